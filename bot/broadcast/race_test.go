//go:build race

package broadcast

// raceOn: the race detector slows every send several times over; the
// large tests shrink under it.
const raceOn = true
