package huawei

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ECS hands out version 4 UUIDs for servers, volumes and ports, and 32 hex
// digits starting ff8080 for jobs (recorded: ff8080829585af7f0195c1e70fde474b).
// vmplane formats the core's sequence number into the same shapes. Each
// format is injective in seq, as the core requires.

// Salts keep the UUIDs of a server's volume and port apart from server ids.
const (
	saltServer uint64 = 0
	saltVolume uint64 = 0x766f6c
	saltPort   uint64 = 0x706f7274
)

func serverID(seq int64) string { return uuidOf(uint64(seq), saltServer) }

// uuidOf renders a bijective mix of n^salt in the first 16 hex digits of a
// version 4 UUID, so that distinct n give distinct ids, and fills the rest
// from a second mix so that ids look random.
func uuidOf(n, salt uint64) string {
	m := mix(n ^ salt)
	h := fmt.Sprintf("%016x%016x", m, mix(m^0xa5a5a5a5a5a5a5a5))
	variant := "89ab"[m&3 : m&3+1]
	return h[0:8] + "-" + h[8:12] + "-4" + h[12:15] + "-" + variant + h[15:16] + h[16:18] + "-" + h[18:30]
}

// mix is a bijection of uint64 (odd multiplications and xor-shifts).
func mix(x uint64) uint64 {
	x *= 0x9e3779b97f4a7c15
	x ^= x >> 32
	x *= 0xd6e8feb86659fd93
	x ^= x >> 32
	return x
}

// jobBase makes ids grow like real ones, whose tail is a millisecond clock.
const jobBase = 0x0195c1e70fde0000

// jobID formats a job or sub-job (operation) id.
func jobID(seq int64) string {
	return fmt.Sprintf("ff8080829585af7f%016x", uint64(jobBase)+uint64(seq))
}

// orderID is the yearly/monthly order a purchase or change opens, shaped
// like ECS's ("CS" + date + an upper-case suffix); the suffix comes from an
// id unique to the request.
func orderID(at time.Time, unique string) string {
	return "CS" + at.UTC().Format("0601021504") + strings.ToUpper(unique[max(len(unique)-6, 0):])
}

// hexOf derives a stable id of n hex digits from parts, for ids ECS shows
// that vmplane has no record of (user ids, host ids).
func hexOf(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}
