package kakehashi

// Subject is who is asking, and from where: the signed-in user (nil for an
// anonymous request), the zone of the listener the request came in on, and
// the client address as the gateway trusts it. Authorisation always looks
// at both the user and the zone.
type Subject struct {
	User   *User
	Zone   Zone
	IP     string
	Scopes []string // API tokens: what the token may do; nil for browser sessions
}

// UserID returns the user's ID, or "anonymous".
func (s Subject) UserID() string {
	if s.User == nil {
		return "anonymous"
	}
	return s.User.ID
}
