package fakeapi

import "time"

// outageHoldLocked tells a getUpdates call that is already waiting what a
// whole-API outage (a Fault with AllMethods, no Method and no ChatID)
// that began meanwhile means for it, as a real outage would cut a long
// poll in progress: with a Delay, a channel to wait on first (until the
// outage ends), delivering nothing meanwhile; with a Code, the error to
// answer then. Both are nil when there is no outage.
func (s *Server) outageHoldLocked() (<-chan time.Time, *APIError) {
	now := time.Now()
	for _, f := range s.faults {
		if !f.AllMethods || f.Method != "" || f.ChatID != 0 || (!f.Until.IsZero() && !now.Before(f.Until)) {
			continue
		}
		var hold <-chan time.Time
		switch {
		case f.Delay > 0 && !f.Until.IsZero():
			hold = time.After(min(f.Delay, f.Until.Sub(now)))
		case f.Delay > 0:
			hold = time.After(f.Delay)
		}
		var aerr *APIError
		if f.Code != 0 {
			aerr = faultError(f)
		}
		return hold, aerr
	}
	return nil, nil
}
