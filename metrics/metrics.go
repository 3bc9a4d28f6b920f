// Package metrics owns the gateway's Prometheus metrics: HTTP requests per
// zone and route, sanitize durations by verdict, and (read from the store
// at scrape time) transfers by state and the job queue depth.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// Metrics is one registry with the gateway's collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	sanitize *prometheus.HistogramVec
}

// New registers the collectors; st is read at scrape time.
func New(st store.Store) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kakehashi_http_requests_total",
			Help: "HTTP requests by zone, route and status."}, []string{"zone", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kakehashi_http_request_seconds",
			Help: "HTTP request duration by zone and route.", Buckets: prometheus.DefBuckets}, []string{"zone", "route"}),
		sanitize: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kakehashi_sanitize_seconds",
			Help: "Time to sanitize one file, by verdict.", Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}}, []string{"verdict"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.sanitize, &storeCollector{st: st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Request records one HTTP request.
func (m *Metrics) Request(zone, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(zone, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(zone, route).Observe(d.Seconds())
}

// Sanitized records one sanitizer run.
func (m *Metrics) Sanitized(verdict string, d time.Duration) {
	m.sanitize.WithLabelValues(verdict).Observe(d.Seconds())
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

var (
	transfersDesc = prometheus.NewDesc("kakehashi_transfers", "Transfers by direction and state.", []string{"direction", "state"}, nil)
	jobsDesc      = prometheus.NewDesc("kakehashi_jobs", "Background jobs: due (queue depth) and failed for good.", []string{"state"}, nil)
)

type storeCollector struct{ st store.Store }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- transfersDesc
	ch <- jobsDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.st.View(ctx, func(tx store.Tx) error {
		counts := map[[2]string]int{}
		ts, err := tx.ListTransfers(store.TransferFilter{Limit: 1000})
		if err != nil {
			return err
		}
		for _, t := range ts {
			counts[[2]string{string(t.Direction), string(t.State)}]++
		}
		for _, d := range []kakehashi.Direction{kakehashi.Inbound, kakehashi.Outbound} {
			for _, s := range []kakehashi.State{kakehashi.StateReceived, kakehashi.StateScanning, kakehashi.StateSanitizing, kakehashi.StateAwaitingApproval,
				kakehashi.StateAvailable, kakehashi.StateRejected, kakehashi.StateExpired} {
				ch <- prometheus.MustNewConstMetric(transfersDesc, prometheus.GaugeValue, float64(counts[[2]string{string(d), string(s)}]), string(d), string(s))
			}
		}
		due, failed, err := tx.CountJobs()
		if err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(due), "due")
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(failed), "failed")
		return nil
	})
}
