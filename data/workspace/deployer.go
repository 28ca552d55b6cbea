package workspace

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go/listing"
	"github.com/databricks/databricks-sdk-go/service/jobs"
)

// What the actions need of the workspace (DESIGN §6): who a person is and which groups they
// are in, the permission a person holds on the deployer job, and finding the deployer run
// of a request again by its parameters.

// jobLevelRank orders the job permission levels; "Run now" needs CAN_MANAGE_RUN or higher.
var jobLevelRank = map[string]int{"CAN_VIEW": 1, "CAN_MANAGE_RUN": 2, "IS_OWNER": 3, "CAN_MANAGE": 4}

// EffectiveJobLevel is the highest job permission level the ACL gives the user through
// entries for their user name, for them as a service principal, or for one of their
// groups, whether direct or inherited (from the workspace's /jobs/ root); "" for none.
func EffectiveJobLevel(me User, acl ACL) string {
	best := ""
	for _, l := range Levels(me, acl) {
		if jobLevelRank[l] > jobLevelRank[best] {
			best = l
		}
	}
	return best
}

// CanManageRun reports whether a job permission level includes "Run now".
func CanManageRun(level string) bool { return jobLevelRank[level] >= jobLevelRank["CAN_MANAGE_RUN"] }

// UserByName looks a person up by user name (or a service principal by application id) in
// the workspace's SCIM directory, with their groups: `cockpit gate` judges the person who
// asked for a run, not itself. An unknown name is ErrNotFound.
func (c *Client) UserByName(ctx context.Context, name string) (User, error) {
	op := "looking up " + name + " in the workspace's users"
	if name == "" || strings.ContainsAny(name, "\"\\") {
		return User{}, &Error{Op: op, Kind: ErrInvalidInput, Err: errors.New("a user name without quotes or backslashes is required")}
	}
	for _, kind := range []struct{ path, attr string }{
		{"/api/2.0/preview/scim/v2/Users", "userName"},
		{"/api/2.0/preview/scim/v2/ServicePrincipals", "applicationId"},
	} {
		var resp struct {
			Resources []struct {
				ID            string `json:"id"`
				UserName      string `json:"userName"`
				ApplicationID string `json:"applicationId"`
				DisplayName   string `json:"displayName"`
				Emails        []struct {
					Value string `json:"value"`
				} `json:"emails"`
				Groups []struct {
					Display string `json:"display"`
				} `json:"groups"`
			} `json:"Resources"`
		}
		q := map[string]any{"filter": fmt.Sprintf("%s eq %q", kind.attr, name)}
		if err := c.get(ctx, c.api, kind.path, q, &resp); err != nil {
			return User{}, wrap(err, op)
		}
		for _, r := range resp.Resources {
			u := User{ID: r.ID, UserName: r.UserName, DisplayName: r.DisplayName}
			if u.UserName == "" {
				u.UserName = r.ApplicationID
			}
			if u.UserName != name {
				continue
			}
			for _, e := range r.Emails {
				u.Emails = append(u.Emails, e.Value)
			}
			for _, g := range r.Groups {
				u.Groups = append(u.Groups, g.Display)
			}
			return u, nil
		}
	}
	return User{}, &Error{Op: op, Kind: ErrNotFound, Err: errors.New("no such user or service principal")}
}

// FindRun finds the newest run of a job started at or after since whose job parameter name
// has the value (a deployer run by its request_id): how a cockpit that died after asking for
// a run finds it again. ok is false when there is none.
func (c *Client) FindRun(ctx context.Context, jobID int64, since time.Time, name, value string) (run RunDetail, ok bool, err error) {
	op := fmt.Sprintf("looking for the run of job %d with %s=%s", jobID, name, value)
	req := jobs.ListRunsRequest{JobId: jobID, Limit: 25}
	if !since.IsZero() {
		req.StartTimeFrom = since.UnixMilli()
	}
	base, err := listing.ToSlice(ctx, c.w.Jobs.ListRuns(ctx, req))
	if err != nil {
		return RunDetail{}, false, wrap(err, op)
	}
	for _, b := range base {
		for _, p := range b.JobParameters {
			v := p.Value
			if v == "" {
				v = p.Default
			}
			if p.Name == name && v == value {
				d, err := c.GetRun(ctx, b.RunId)
				if err != nil {
					return RunDetail{}, false, err
				}
				return d, true, nil
			}
		}
	}
	return RunDetail{}, false, nil
}
