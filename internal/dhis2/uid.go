package dhis2

import "crypto/sha256"

// ID schemes of an import or export: which identifier names units and
// data elements in the document.
const (
	SchemeCode = "code" // the kehoach code (the default)
	SchemeUID  = "uid"  // an 11-character DHIS2-style uid, see UID
)

// UID is the DHIS2-style uid of the object of kind ("unit", "element")
// with code: 11 letters and digits, the first a letter, as DHIS2's are.
// It is derived from the code, so every kehoach instance gives the same
// object the same uid and an export by uid re-imports anywhere.
func UID(kind, code string) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const alnum = letters + "0123456789"
	sum := sha256.Sum256([]byte(kind + "\x00" + code))
	b := make([]byte, 11)
	b[0] = letters[int(sum[0])%len(letters)]
	for i := 1; i < 11; i++ {
		b[i] = alnum[int(sum[i])%len(alnum)]
	}
	return string(b)
}
