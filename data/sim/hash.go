package sim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"time"
)

// The estate is a pure function of the seed and of time slots: every random choice is a hash
// of (seed, what, which), never a stateful generator, so generating a day at once or an hour
// at a time gives the same rows.

// h64 hashes its parts into a uint64 (FNV-1a, then a splitmix64 finalizer for spread).
func h64(parts ...any) uint64 {
	f := fnv.New64a()
	var buf [8]byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			f.Write([]byte(v))
		case int:
			binary.LittleEndian.PutUint64(buf[:], uint64(v))
			f.Write(buf[:])
		case int64:
			binary.LittleEndian.PutUint64(buf[:], uint64(v))
			f.Write(buf[:])
		default:
			fmt.Fprint(f, v)
		}
		f.Write([]byte{0})
	}
	x := f.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unit is a uniform float in [0,1) from a hash of the parts.
func unit(parts ...any) float64 { return float64(h64(parts...)>>11) / float64(1<<53) }

// between is a uniform int in [lo, hi].
func between(lo, hi int, parts ...any) int {
	if hi <= lo {
		return lo
	}
	return lo + int(h64(parts...)%uint64(hi-lo+1))
}

// uuidOf is a stable UUID-shaped string (version 4 layout) from the parts.
func uuidOf(parts ...any) string {
	a, b := h64(append(parts, "a")...), h64(append(parts, "b")...)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0x0fff, (uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// eventID is a UUIDv7-shaped id: the millisecond timestamp first, so ids sort by time as the
// ledger's writer generates them, and the rest from a hash, so the estate is deterministic.
func eventID(at time.Time, parts ...any) string {
	ms := uint64(at.UnixMilli())
	r := h64(parts...)
	r2 := h64(append(parts, "2")...)
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", uint32(ms>>16), uint16(ms), uint16(r)&0x0fff, (uint16(r>>16)&0x3fff)|0x8000, r2&0xffffffffffff)
}

// gitSHA is a 40-hex commit id.
func gitSHA(parts ...any) string {
	return fmt.Sprintf("%016x%016x%08x", h64(append(parts, 1)...), h64(append(parts, 2)...), uint32(h64(append(parts, 3)...)))
}

// rng is a splitmix64 stream: cheap per-run randomness, seeded from a hash of what the run is.
type rng uint64

func newRNG(parts ...any) *rng { r := rng(h64(parts...)); return &r }

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	x := uint64(*r)
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *rng) unit() float64 { return float64(r.next()>>11) / float64(1<<53) }

func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + int(r.next()%uint64(hi-lo+1))
}
