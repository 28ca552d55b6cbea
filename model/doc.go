// Package model holds Release Cockpit's domain types and the pure logic over them:
// the correlation window of a deployment, the verdict of a deployment from its runs,
// pipeline updates, expectations and checks, and the ledger's vocabulary.
//
// model does no I/O and imports nothing of ours: every function here takes plain data
// and returns plain data, so it can be tested with tables of cases.
package model
