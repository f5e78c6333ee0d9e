package fakeapi

import "time"

// outageHoldLocked tells a getUpdates call that is already waiting what a
// whole-API outage (a Fault with AllMethods, no Method and no ChatID)
// that began meanwhile means for it, as a real outage would cut a long
// poll in progress: a failing outage ends the call with its error; a
// hanging one (Code 0) returns a channel to wait on before looking at the
// queue again, so nothing is delivered until the outage is over. Both are
// nil when there is no outage.
func (s *Server) outageHoldLocked() (<-chan time.Time, *APIError) {
	now := time.Now()
	for _, f := range s.faults {
		if !f.AllMethods || f.Method != "" || f.ChatID != 0 || (!f.Until.IsZero() && !now.Before(f.Until)) {
			continue
		}
		if f.Code != 0 {
			return nil, faultError(f)
		}
		if f.Until.IsZero() {
			return time.After(100 * time.Millisecond), nil // until cleared: look again soon
		}
		return time.After(f.Until.Sub(now)), nil
	}
	return nil, nil
}
