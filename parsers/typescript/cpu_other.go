//go:build !linux

package typescript

import "time"

// threadCPU approximates the calling thread's CPU time by the wall clock
// where no per-thread clock is at hand.
func threadCPU() time.Duration { return time.Duration(time.Now().UnixNano()) }
