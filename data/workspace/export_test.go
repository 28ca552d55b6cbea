package workspace

// SetEventsPageSize makes UpdateEvents ask for n events a page, so that tests can follow
// several pages of a short event log; the returned func restores the default.
func SetEventsPageSize(n int) (restore func()) {
	old := eventsPageSize
	eventsPageSize = n
	return func() { eventsPageSize = old }
}
