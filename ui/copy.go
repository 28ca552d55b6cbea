package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	domain "github.com/release-cockpit/cockpit/model"
)

// copyRequest asks the root to send a value to the terminal's clipboard (OSC 52, which
// works over ssh) and to say so in the status bar: "sent the run page URL to the
// terminal's clipboard". What names the value without an article ("release id").
// The terminal may refuse OSC 52 without telling anyone, so the notice never claims the
// value arrived. An empty value says there was nothing to copy; err says why it could not
// be read.
type copyRequest struct {
	What, Value string
	Err         error
}

// copyValue is the command form of copyRequest. The value is cleaned: nothing a terminal
// would act on reaches the clipboard sequence.
func copyValue(what, value string) tea.Cmd {
	return func() tea.Msg { return copyRequest{What: what, Value: Clean(value)} }
}

// copyLoaded reads a value through the source (a run's page URL, an update's URL) within
// the load timeout, then copies it.
func copyLoaded(c *Common, what string, read func(ctx context.Context, src Source) (string, error)) tea.Cmd {
	return loadCmd(c, func(ctx context.Context, src Source) tea.Msg {
		v, err := read(ctx, src)
		return copyRequest{What: what, Value: Clean(v), Err: err}
	})
}

// copy handles a copyRequest: the OSC 52 sequence and the notice.
func (m *root) copy(r copyRequest) tea.Cmd {
	switch {
	case r.Err != nil:
		m.note = Notify{Text: "could not copy the " + r.What + ": " + r.Err.Error(), Err: true}
		return nil
	case r.Value == "":
		m.note = Notify{Text: "no " + r.What + " to copy", Err: true}
		return nil
	}
	m.note = Notify{Text: "sent the " + r.What + " to the terminal's clipboard (OSC 52): " + r.Value}
	return tea.SetClipboard(r.Value)
}

// urlLines draws a URL whole ("url " then the URL, broken across as many lines of the width
// as it needs: a URL cut short is no URL), then note after it when it fits on the last
// line, else on a line of its own.
func urlLines(c *Common, url string, note relCell, width int) []string {
	t := c.Theme
	prefix := "url "
	var out []string
	var cur strings.Builder
	curW := Width(prefix)
	flush := func() {
		p := prefix
		if len(out) > 0 {
			p = strings.Repeat(" ", Width(prefix))
		}
		out = append(out, drawLine(c, width, relCell{p, t.Muted}, relCell{cur.String(), t.Base}))
		cur.Reset()
		curW = Width(prefix)
	}
	for _, r := range url {
		w := Width(string(r))
		if curW+w > width && cur.Len() > 0 {
			flush()
		}
		cur.WriteRune(r)
		curW += w
	}
	if note.Text == "" {
		flush()
		return out
	}
	if curW+Width(note.Text) <= width {
		p := prefix
		if len(out) > 0 {
			p = strings.Repeat(" ", Width(prefix))
		}
		return append(out, drawLine(c, width, relCell{p, t.Muted}, relCell{cur.String(), t.Base}, note))
	}
	flush()
	return append(out, drawLine(c, width, relCell{strings.Repeat(" ", Width(prefix)), t.Muted}, relCell{strings.TrimLeft(note.Text, " "), note.Style}))
}

// copyKeys are y and Y, on every screen that lists something copyable.
type copyKeys struct {
	Copy, CopyMore key.Binding
}

func newCopyKeys(what string) copyKeys {
	return copyKeys{
		Copy:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy "+what+" (OSC 52)")),
		CopyMore: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy: choose sha, release id, deployment id, ticket, URL")),
	}
}

// deploymentChoices are what Y offers of a deployment: its release id, git sha,
// deployment id and ticket.
func deploymentChoices(d domain.Deployment) []copyChoice {
	return []copyChoice{
		{What: "release id", Value: d.Release.ID()},
		{What: "git sha", Value: d.Release.GitSHA},
		{What: "deployment id", Value: d.ID},
		{What: "ticket", Value: d.Ticket},
	}
}

// refCopy is what y copies of a release tab's row: a job run's page URL or a pipeline
// update's URL (read from the workspace), a lineage table's name; ok is false for a row
// that stands for nothing copyable.
func refCopy(env string, ref any) (copyChoice, bool) {
	switch r := ref.(type) {
	case domain.JobRun:
		return copyChoice{What: "run page URL", Shows: "of run " + r.RunID + " (read from the workspace)",
			Read: func(ctx context.Context, src Source) (string, error) {
				id, err := strconv.ParseInt(r.RunID, 10, 64)
				if err != nil {
					return "", fmt.Errorf("run id %q is not a number", r.RunID)
				}
				d, err := src.Run(ctx, env, id)
				return d.RunPageURL, err
			}}, true
	case domain.PipelineUpdate:
		return copyChoice{What: "update URL", Shows: "of update " + shortID(r.UpdateID) + " (read from the workspace)",
			Read: func(ctx context.Context, src Source) (string, error) {
				d, err := src.Update(ctx, env, r.PipelineID, r.UpdateID)
				return d.URL, err
			}}, true
	case lineageTableRef:
		return copyChoice{What: "table name", Value: string(r)}, true
	}
	return copyChoice{}, false
}

// copyChoiceCmd sends a choice to the clipboard: its value, or what it reads.
func copyChoiceCmd(c *Common, ch copyChoice) tea.Cmd {
	if ch.Read != nil {
		return copyLoaded(c, ch.What, ch.Read)
	}
	return copyValue(ch.What, ch.Value)
}

// copyKey handles y and Y on the release screen: y copies the row's most useful value (a
// run's or update's URL, a table's name; the release id on rows without one), Y offers
// the others with the deployment's.
func (s *ReleaseScreen) copyKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, s.copy.Copy):
		if ch, ok := refCopy(s.env, s.selectedRef()); ok {
			return copyChoiceCmd(s.c, ch), true
		}
		return copyValue("release id", s.d.Release.ID()), true
	case key.Matches(msg, s.copy.CopyMore):
		var choices []copyChoice
		if ch, ok := refCopy(s.env, s.selectedRef()); ok {
			choices = append(choices, ch)
		}
		return openCopyChooser(s.c, append(choices, deploymentChoices(s.d.Deployment)...)), true
	}
	return nil, false
}

// homeCopyKeys are y and Y on the home.
var homeCopyKeys = newCopyKeys("release id")

// copyKey handles y and Y on the home: y copies the selected deployment's release id, Y
// offers its git sha, deployment id and ticket too.
func (h *home) copyKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := homeCopyKeys
	if !key.Matches(msg, k.Copy) && !key.Matches(msg, k.CopyMore) {
		return nil, false
	}
	_, it := h.selected()
	if it == nil {
		return notify("no deployment selected to copy", true), true
	}
	if key.Matches(msg, k.Copy) {
		return copyValue("release id", it.d.Release.ID()), true
	}
	return openCopyChooser(h.c, deploymentChoices(it.d.Deployment)), true
}
