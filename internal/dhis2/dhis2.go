// Package dhis2 reads and writes the formats of DHIS2, the health and
// statistics platform the province exchanges figures with: the analytics
// query string (dimension=dx:A;B&dimension=pe:…&dimension=ou:…) and the
// dataValueSets JSON envelope.
//
// It is pure over the domain types: no database, no HTTP, no clock. The
// web handlers, the command line and the coming import call it, so that
// the limits and the messages for malformed input are the same everywhere.
// Every parser is fuzzed (see the Fuzz tests).
package dhis2
