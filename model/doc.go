// Package model holds Release Cockpit's domain types and the pure logic over them:
// the correlation window of a deployment, the verdict of a deployment from its runs,
// pipeline updates, expectations and checks, the ledger's vocabulary and the state derived
// from it (pins, vetoes, requests, approvals), the release policy (who may act, freeze
// windows with a cron matcher, SLOs), error budgets and burn rates, authorization and the
// gates of every action.
//
// model does no I/O and imports nothing of ours: every function here takes plain data
// and returns plain data, so it can be tested with tables of cases.
package model
