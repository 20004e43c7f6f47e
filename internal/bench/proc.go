// Package bench drives relayout and its peers (TypeScript's language servers,
// Rope) as separate processes for `relayout bench`: it times a module move as
// an editor would ask for it, reads each process tree's CPU time and memory
// from /proc, and compares the edits. It knows nothing of relayout's
// internals; cmd/cli wires it.
package bench

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/PID/stat's CPU times (USER_HZ, 100 on
// Linux).
const clockTick = 10 * time.Millisecond

// Usage is what /proc says about a process and its descendants.
type Usage struct {
	CPU  time.Duration // user + system time, waited-for children included
	RSS  int64         // resident bytes now (VmRSS, summed over the tree)
	Peak int64         // peak resident bytes (VmHWM, summed over the tree)
}

// TreeUsage sums the usage of pid and every live descendant; a zero Usage
// when /proc is unavailable or pid is gone. The peak of a tree is the sum of
// each process's own peak, an upper bound of the tree's.
func TreeUsage(pid int) Usage {
	parents := map[int][]int{}
	if entries, err := os.ReadDir("/proc"); err == nil {
		for _, e := range entries {
			child, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if f := statFields(child); len(f) > 1 {
				ppid, _ := strconv.Atoi(f[1])
				parents[ppid] = append(parents[ppid], child)
			}
		}
	}
	var u Usage
	var walk func(int)
	walk = func(p int) {
		f := statFields(p)
		if len(f) < 15 {
			return
		}
		var ticks int64
		for _, i := range []int{11, 12, 13, 14} { // utime stime cutime cstime
			n, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += n
		}
		u.CPU += time.Duration(ticks) * clockTick
		rss, peak := memory(p)
		u.RSS += rss
		u.Peak += peak
		for _, c := range parents[p] {
			walk(c)
		}
	}
	walk(pid)
	return u
}

// statFields returns /proc/PID/stat's fields after the command name (the
// first is the state).
func statFields(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

// memory returns VmRSS and VmHWM of pid in bytes.
func memory(pid int) (rss, peak int64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		if k == "VmRSS" {
			rss = n * 1024
		} else {
			peak = n * 1024
		}
	}
	return rss, peak
}

// LoadAverage returns /proc/loadavg's three averages, or "unknown".
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
