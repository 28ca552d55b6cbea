package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// How the home holds a long window (:since 7d, :since 0: tens of thousands of deployments
// over the demo's 90 days). A load asks for the newest homePage deployments of the window
// and learns how many it holds; moving the cursor to the last rows asks for the next page,
// which adds to what is known. The summary says "of N" and the tab's count ends in "+"
// while the window goes on, so nothing is left out without saying so. A full reload (r, a
// changed window, an action) starts again from the newest page.

// homePage is how many deployments of an environment one load asks for.
const homePage = 1000

// moreMargin: the next page is asked for when the cursor is this close to the last row.
const moreMargin = 10

// pages is where an environment's window goes on beyond the deployments loaded.
type pages struct {
	next        *model.Cursor // nil: everything of the window is loaded
	matching    int           // deployments in the window (0: unknown)
	moreLoading bool          // the next page is on its way
}

// pagesLoaded records where the window goes on after an answer: a full load starts the
// count again, a page after the last one moves on; an incremental answer changes nothing.
func (e *envState) pagesLoaded(msg deploymentsLoaded) {
	switch {
	case msg.req.after != nil:
		e.moreLoading = false
		e.next = msg.next
	case msg.req.full():
		e.next, e.matching = msg.next, msg.matching
	}
}

// moreText says, when the window holds more than the loaded deployments, how many of them
// are loaded: "the newest 1000 of 21734 deployments (more at the end)".
func (e *envState) moreText(loaded int, g Glyphs) string {
	if e.next == nil {
		return ""
	}
	of := ""
	if e.matching > loaded {
		of = fmt.Sprintf(" of %d", e.matching)
	}
	then := "more at the end"
	if e.moreLoading {
		then = fmt.Sprintf("loading %d more%s", homePage, g.Ellipsis)
	}
	return fmt.Sprintf("the newest %d%s deployments (%s)", loaded, of, then)
}

// loadMoreAtTheEnd asks for the active environment's next page when the cursor has come
// near the last row and the window goes on.
func (h *home) loadMoreAtTheEnd() tea.Cmd {
	e := h.activeEnv()
	if e == nil || e.next == nil || e.moreLoading || h.table.Len() == 0 || h.table.Cursor() < h.table.Len()-moreMargin {
		return nil
	}
	e.moreLoading, h.dirty = true, true
	e.pending++
	return loadDeployments(h.c, loadRequest{env: e.name, gen: e.gen, since: h.since, after: e.next}, false, h.log, h.clock)
}
