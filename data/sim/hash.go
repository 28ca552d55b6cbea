package sim

import "time"

// The estate is a pure function of the seed and of time slots: every random choice is a hash
// of (seed, what, which), never a stateful generator, so generating a day at once or an hour
// at a time gives the same rows.

// h64 hashes its parts into a uint64 (FNV-1a, then a splitmix64 finalizer for spread).
func h64(parts ...any) uint64 { return hashParts(parts).sum() }

// fnvHash is the state of h64's FNV-1a hash: parts are added one at a time, each followed by
// a zero byte, so that ids sharing a prefix of parts hash the prefix once.
type fnvHash uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashParts(parts []any) fnvHash {
	h := fnvHash(fnvOffset)
	for _, p := range parts {
		h = h.part(p)
	}
	return h
}

// part adds a string or integer part. Nothing else is hashed, and the parts never escape,
// so the variadic callers box them on the stack.
func (h fnvHash) part(p any) fnvHash {
	switch v := p.(type) {
	case string:
		return h.str(v)
	case int:
		return h.u64(uint64(v))
	case int64:
		return h.u64(uint64(v))
	}
	panic("sim: hash parts are strings and integers")
}

// str adds a string part.
func (h fnvHash) str(s string) fnvHash {
	for i := 0; i < len(s); i++ {
		h ^= fnvHash(s[i])
		h *= fnvPrime
	}
	return h * fnvPrime // the separator: a zero byte
}

// u64 adds an integer part, as its 8 little-endian bytes.
func (h fnvHash) u64(v uint64) fnvHash {
	for i := 0; i < 8; i++ {
		h ^= fnvHash(byte(v >> (8 * i)))
		h *= fnvPrime
	}
	return h * fnvPrime
}

// sum finishes the hash with a splitmix64 finalizer.
func (h fnvHash) sum() uint64 {
	x := uint64(h)
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
	h := hashParts(parts)
	a, b := h.str("a").sum(), h.str("b").sum()
	return uuidString(uint32(a>>32), uint16(a>>16), 0x4000|uint16(a)&0x0fff, (uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// eventID is a UUIDv7-shaped id: the millisecond timestamp first, so ids sort by time as the
// ledger's writer generates them, and the rest from a hash, so the estate is deterministic.
func eventID(at time.Time, parts ...any) string { return eventIDOf(at, hashParts(parts)) }

// eventIDOf is eventID of the parts hashed into h.
func eventIDOf(at time.Time, h fnvHash) string {
	ms := uint64(at.UnixMilli())
	r, r2 := h.sum(), h.str("2").sum()
	return uuidString(uint32(ms>>16), uint16(ms), 0x7000|uint16(r)&0x0fff, (uint16(r>>16)&0x3fff)|0x8000, r2&0xffffffffffff)
}

// uuidString formats %08x-%04x-%04x-%04x-%012x.
func uuidString(a uint32, b, c, d uint16, e uint64) string {
	var buf [36]byte
	putHex(buf[0:8], uint64(a))
	buf[8] = '-'
	putHex(buf[9:13], uint64(b))
	buf[13] = '-'
	putHex(buf[14:18], uint64(c))
	buf[18] = '-'
	putHex(buf[19:23], uint64(d))
	buf[23] = '-'
	putHex(buf[24:36], e)
	return string(buf[:])
}

// putHex writes the low len(dst) hex digits of v into dst.
func putHex(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = "0123456789abcdef"[v&0xf]
		v >>= 4
	}
}

// gitSHA is a 40-hex commit id: the hashes of the parts followed by 1, 2 and 3.
func gitSHA(parts ...any) string {
	h := hashParts(parts)
	var buf [40]byte
	putHex(buf[0:16], h.u64(1).sum())
	putHex(buf[16:32], h.u64(2).sum())
	putHex(buf[32:40], uint64(uint32(h.u64(3).sum())))
	return string(buf[:])
}

// rng is a splitmix64 stream: cheap per-run randomness, seeded from a hash of what the run is.
type rng uint64

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
