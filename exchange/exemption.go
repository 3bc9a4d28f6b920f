package exchange

import (
	"context"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/store"
)

// CreateExemption adds an admin rule letting outbound transfers skip
// approval: kind "department" (value a department ID) or "type" (value a
// file type every file must have). Each use is audited as well.
func (s *Service) CreateExemption(ctx context.Context, sub kakehashi.Subject, kind, value, note string) (*kakehashi.Exemption, error) {
	if sub.User == nil || !sub.User.Has(kakehashi.RoleAdmin) || sub.Zone != kakehashi.ZoneLGWAN {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "管理者のみ操作できます / administrators only")
	}
	if note == "" {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "理由を入力してください / give a reason")
	}
	e := &kakehashi.Exemption{ID: kakehashi.NewID(), Kind: kind, Value: value, Note: note, CreatedBy: sub.User.ID, Created: s.now()}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		switch kind {
		case "department":
			if _, err := tx.Department(value); err != nil {
				return kakehashi.Errorf(kakehashi.EINVALID, "部署が見つかりません / unknown department")
			}
		case "type":
			if !knownType(value) {
				return kakehashi.Errorf(kakehashi.EINVALID, "不明なファイル種類です / unknown file type")
			}
		default:
			return kakehashi.Errorf(kakehashi.EINVALID, "種類は department か type です / kind must be department or type")
		}
		if err := tx.CreateExemption(e); err != nil {
			return err
		}
		_, err := audit.Record(tx, e.Created, audit.Event{Actor: sub.User.ID, Zone: sub.Zone, IP: sub.IP, Action: audit.ExemptionSet, Object: e.ID,
			Detail: map[string]any{"kind": kind, "value": value, "note": note}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func knownType(v string) bool {
	for _, t := range sanitize.AllTypes() {
		if string(t) == v {
			return true
		}
	}
	return false
}

// DeleteExemption removes an exemption, audited.
func (s *Service) DeleteExemption(ctx context.Context, sub kakehashi.Subject, id string) error {
	if sub.User == nil || !sub.User.Has(kakehashi.RoleAdmin) || sub.Zone != kakehashi.ZoneLGWAN {
		return kakehashi.Errorf(kakehashi.EFORBIDDEN, "管理者のみ操作できます / administrators only")
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteExemption(id); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.now(), audit.Event{Actor: sub.User.ID, Zone: sub.Zone, IP: sub.IP, Action: audit.ExemptionDel, Object: id})
		return err
	})
}
