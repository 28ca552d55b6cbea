package model

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"
)

// NewEventID is a fresh UUIDv7 event id: its first 48 bits are the Unix milliseconds of at,
// so ids written later sort later, the rest is random.
func NewEventID(at time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[6:])
	return uuidOf(b, uint64(at.UnixMilli()))
}

// DerivedEventID is a deterministic event id derived from a base id and parts: two writers
// that derive it from the same request write the same id, so the ledger keeps one event (the
// result of a deployment is written by the deployer job and by whoever observes its end
// first). It keeps the base id's time prefix when the base is a UUIDv7, so it sorts with it.
func DerivedEventID(base string, parts ...string) string {
	h := sha256.Sum256([]byte(base + "\x00" + strings.Join(parts, "\x00")))
	var b [16]byte
	copy(b[:], h[:16])
	ms := binary.BigEndian.Uint64(append([]byte{0, 0}, h[16:22]...))
	if raw, err := hex.DecodeString(strings.ReplaceAll(base, "-", "")); err == nil && len(raw) == 16 && raw[6]>>4 == 7 {
		ms = binary.BigEndian.Uint64(append([]byte{0, 0}, raw[:6]...))
	}
	return uuidOf(b, ms)
}

// ResultEventID is the id of the one result event (deploy_succeeded or deploy_failed) of a
// deployment attempt, whose deploy_requested event (or retry) has the id attemptID.
func ResultEventID(attemptID string) string { return DerivedEventID(attemptID, "result") }

// uuidOf formats b as a version 7 UUID whose first 48 bits are ms.
func uuidOf(b [16]byte, ms uint64) string {
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], ms)
	copy(b[:6], t[2:])
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
