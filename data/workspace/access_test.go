package workspace_test

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/release-cockpit/cockpit/data/workspace"
)

func TestMeIsTheUserOfTheToken(t *testing.T) {
	me, err := clientAs(t, oncallToken).Me(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if me.UserName != "priya.raman@example.com" || me.DisplayName != "Priya Raman" || !slices.Contains(me.Groups, "oncall") ||
		!slices.Equal(me.Emails, []string{"priya.raman@example.com"}) || me.ID == "" {
		t.Errorf("me: %+v", me)
	}
}

func TestJobPermissionsLetOnCallRunTheJob(t *testing.T) {
	c := clientAs(t, oncallToken)
	jobID := prodJob(t)
	acl, err := c.JobPermissions(ctx(t), jobID)
	if err != nil {
		t.Fatal(err)
	}
	if acl.ObjectID != "/jobs/"+strconv.FormatInt(jobID, 10) {
		t.Errorf("object id %q", acl.ObjectID)
	}
	var owner, oncall bool
	for _, e := range acl.Entries {
		for _, g := range e.Grants {
			owner = owner || e.ServicePrincipalName != "" && g.Level == "IS_OWNER"
			oncall = oncall || e.GroupName == "oncall" && g.Level == "CAN_MANAGE_RUN"
		}
	}
	if !owner || !oncall {
		t.Errorf("acl %+v: want the CI service principal as owner and oncall with CAN_MANAGE_RUN", acl)
	}
	me, err := c.Me(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !workspace.MayRunJob(me, acl) || !slices.Contains(workspace.Levels(me, acl), "CAN_MANAGE_RUN") {
		t.Errorf("on-call may not run job %d by its ACL; levels %v", jobID, workspace.Levels(me, acl))
	}
	if _, err := c.JobPermissions(ctx(t), 4242); !errors.Is(err, workspace.ErrNotFound) {
		t.Errorf("ACL of an unknown job: got %v, want ErrNotFound", err)
	}
}

func TestPipelinePermissionsNameTheOwner(t *testing.T) {
	c := clientAs(t, oncallToken)
	pid := incidentPipeline(t)
	acl, err := c.PipelinePermissions(ctx(t), pid)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(acl.Entries, func(e workspace.ACE) bool {
		return e.ServicePrincipalName != "" && slices.ContainsFunc(e.Grants, func(g workspace.Grant) bool { return g.Level == "IS_OWNER" })
	})
	if acl.ObjectID != "/pipelines/"+pid || i < 0 {
		t.Errorf("pipeline acl %+v: want its owner", acl)
	}
}

func TestMayRunJobNeedsManageRunOrMore(t *testing.T) {
	me := workspace.User{UserName: "priya.raman@example.com", Groups: []string{"data-eng", "oncall"}}
	sp := workspace.User{UserName: "7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13", Groups: []string{"deployers"}}
	grant := func(levels ...string) []workspace.Grant {
		var gs []workspace.Grant
		for _, l := range levels {
			gs = append(gs, workspace.Grant{Level: l})
		}
		return gs
	}
	for _, tc := range []struct {
		name string
		user workspace.User
		acl  []workspace.ACE
		want bool
	}{
		{"user with CAN_MANAGE_RUN", me, []workspace.ACE{{UserName: me.UserName, Grants: grant("CAN_MANAGE_RUN")}}, true},
		{"user with CAN_VIEW only", me, []workspace.ACE{{UserName: me.UserName, Grants: grant("CAN_VIEW")}}, false},
		{"group with CAN_MANAGE_RUN", me, []workspace.ACE{{GroupName: "oncall", Grants: grant("CAN_MANAGE_RUN")}}, true},
		{"other group", me, []workspace.ACE{{GroupName: "leads", Grants: grant("CAN_MANAGE_RUN")}}, false},
		{"other user", me, []workspace.ACE{{UserName: "dana.okafor@example.com", Grants: grant("IS_OWNER")}}, false},
		{"owner", me, []workspace.ACE{{UserName: me.UserName, Grants: grant("CAN_VIEW", "IS_OWNER")}}, true},
		{"manager by group", me, []workspace.ACE{{GroupName: "data-eng", Grants: grant("CAN_MANAGE")}}, true},
		{"service principal owner", sp, []workspace.ACE{{ServicePrincipalName: sp.UserName, Grants: grant("IS_OWNER")}}, true},
		{"pipeline-only level", me, []workspace.ACE{{UserName: me.UserName, Grants: grant("CAN_RUN")}}, false},
		{"empty ACL", me, nil, false},
	} {
		if got := workspace.MayRunJob(tc.user, workspace.ACL{Entries: tc.acl}); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestJobLeadsToItsBundleMetadata(t *testing.T) {
	c := clientAs(t, oncallToken)
	jobID := prodJob(t)
	j, err := c.Job(ctx(t), jobID)
	if err != nil {
		t.Fatal(err)
	}
	if j.ID != jobID || j.DeploymentKind != "BUNDLE" || j.MetadataFilePath == "" || len(j.Tasks) == 0 || j.Tags["bundle"] != "ecommerce_orders" {
		t.Fatalf("job %+v", j)
	}
	m, err := c.BundleMetadata(ctx(t), j.MetadataFilePath)
	if err != nil {
		t.Fatal(err)
	}
	if m.Bundle != "ecommerce_orders" || m.Target != "prod" || m.Git.OriginURL == "" {
		t.Errorf("metadata %+v", m)
	}
	if m.Git.Commit != "" && !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(m.Git.Commit) {
		t.Errorf("commit %q is not a git sha", m.Git.Commit)
	}
	id := strconv.FormatInt(jobID, 10)
	found := false
	for _, v := range m.Jobs {
		found = found || v == id
	}
	if !found || len(m.Pipelines) == 0 {
		t.Errorf("the bundle's resources %v / %v do not list job %s and a pipeline", m.Jobs, m.Pipelines, id)
	}
	if _, err := c.BundleMetadata(ctx(t), "/Workspace/Users/nobody/.bundle/x/prod/state/metadata.json"); !errors.Is(err, workspace.ErrNotFound) {
		t.Errorf("missing metadata: got %v, want ErrNotFound", err)
	}
	if _, err := c.Job(ctx(t), 4242); !errors.Is(err, workspace.ErrNotFound) {
		t.Errorf("unknown job: got %v, want ErrNotFound", err)
	}
}
