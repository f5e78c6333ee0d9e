//go:build race

package catalog

// raceEnabled is true under the race detector, which makes sync.Pool drop
// items at random and so adds allocations.
const raceEnabled = true
