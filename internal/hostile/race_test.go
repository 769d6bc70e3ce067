//go:build race

package hostile_test

// raceEnabled stretches the time bounds: the race detector makes code
// several times slower.
const raceEnabled = true
