package source

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// Day one (DESIGN §4): a workspace without the ledger still has deployments. Databricks
// records every bundle deploy in the audit log and in the jobs' and pipelines' bundle
// metadata paths (warehouse.Discovering derives deployments from them, with the bundle,
// target, time, who and the version the deploy sent), each bundle's metadata.json names the
// commit of its current deployment, and the bundle deployment metadata service, where it
// is enabled, keeps every deploy with its commit. The ledger's facts win where it exists.

// historyMatch is how close a deployment history version's completion must be to a
// discovered deployment's time to be the same deploy.
const historyMatch = 2 * time.Minute

// historyTTL is how long the deployment history and metadata.json of an environment are
// kept before they are read again.
const historyTTL = time.Minute

// discoverWithoutLedger makes every environment read discovered deployments when the
// workspace has no ledger: a missing ledger is no error for reads. Writes still go to the
// ledger and fail, saying to create it. Whether there is one is not asked up front (a round
// trip before any data): the stores read the ledger and discover from the first read that
// finds it missing (warehouse.DiscoveringIfMissing). With discover_unrecorded set, the
// discovered deployments of the bundles the ledger never recorded supplement it: that is
// asked up front, and when the question cannot be answered (the warehouse is down), nothing
// changes: the reads will say what is wrong.
func (s *Source) discoverWithoutLedger(ctx context.Context) {
	if s.ledger == nil {
		return
	}
	s.history = &historyCache{}
	d := warehouse.Discovery{
		Envs: func() []warehouse.Env {
			var out []warehouse.Env
			for _, name := range s.Environments() {
				if e := s.envs[name]; e != nil {
					out = append(out, e.Env)
				}
			}
			return out
		},
		Since: func() time.Time { return s.clock().Add(-warehouse.DefaultDiscoveryLookback) },
	}
	discovering := func(st *warehouse.Store) (*warehouse.Store, error) { return st.DiscoveringIfMissing(d) }
	if s.cfg.DiscoverUnrecorded {
		ok, err := s.ledger.HasLedger(ctx)
		if err != nil {
			return
		}
		d.Unrecorded = ok
		discovering = func(st *warehouse.Store) (*warehouse.Store, error) { return st.Discovering(d) }
	}
	// Environments that share a warehouse share its store: keep them sharing.
	stores := map[*warehouse.Store]*warehouse.Store{}
	discover := func(st *warehouse.Store) *warehouse.Store {
		if ds, ok := stores[st]; ok {
			return ds
		}
		ds, err := discovering(st)
		if err != nil {
			ds = st
		}
		stores[st] = ds
		return ds
	}
	for _, e := range s.envs {
		e.Store = discover(e.Store)
	}
	s.ledger = discover(s.ledger)
}

// Discovers says whether the workspace has no ledger and deployments are discovered: known
// once a read has found the ledger missing.
func (s *Source) Discovers() bool { return s.ledger != nil && s.ledger.Discovers() }

// discovering says whether an environment's deployments are discovered, in place of the
// ledger or beside it: only then is the deployment history worth reading.
func (s *Source) discovering(e *Environment) bool {
	return s.history != nil && e.Store != nil && (e.Store.Discovers() || e.Store.DiscoversUnrecorded())
}

// historyCache keeps, per environment, the deployment history's versions by bundle and the
// commit each bundle's metadata.json names.
type historyCache struct {
	mu   sync.Mutex
	envs map[string]*envHistory
}

type envHistory struct {
	read time.Time
	// since is how far back the deployment history was read.
	since time.Time
	// versions are the service's succeeded deploys by bundle, newest first; nil when the
	// workspace has no deployment history service.
	versions map[string][]workspace.BundleVersion
	// commits are the commits the bundles' metadata.json name, by bundle.
	commits map[string]string
}

// enrichDiscovered completes the discovered deployments of a page: from the deployment
// history, the commit and who deployed (source deployment-history); from metadata.json,
// the commit of each bundle's current deployment. What cannot be read is left out.
func (s *Source) enrichDiscovered(ctx context.Context, e *Environment, page []model.Deployment) []model.Deployment {
	if !s.discovering(e) || e.Workspace == nil {
		return page
	}
	var since time.Time
	discovered := false
	for _, d := range page {
		if d.Source == model.SourceDiscovered {
			discovered = true
			if since.IsZero() || d.DeployedAt.Before(since) {
				since = d.DeployedAt
			}
		}
	}
	if !discovered {
		return page
	}
	h := s.history.of(ctx, e, since.Add(-historyMatch), s.clock())
	for i := range page {
		d := &page[i]
		if d.Source != model.SourceDiscovered {
			continue
		}
		for _, v := range h.versions[d.Release.Bundle] {
			if dt := v.Completed.Sub(d.DeployedAt); dt >= -historyMatch && dt <= historyMatch {
				d.Source = model.SourceHistory
				d.Release.GitSHA = v.Git.Commit
				if d.DeployedBy == "" {
					d.DeployedBy = v.By
				}
				break
			}
		}
		if d.Current && d.Release.GitSHA == "" {
			d.Release.GitSHA = h.commits[d.Release.Bundle]
		}
	}
	return page
}

// of returns an environment's history, read again when older than historyTTL or when it
// does not reach back to since.
func (c *historyCache) of(ctx context.Context, e *Environment, since, now time.Time) *envHistory {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.envs == nil {
		c.envs = map[string]*envHistory{}
	}
	if h := c.envs[e.Env.Name]; h != nil && now.Sub(h.read) < historyTTL && !since.Before(h.since) {
		return h
	}
	h := &envHistory{read: now, since: since, versions: map[string][]workspace.BundleVersion{}, commits: map[string]string{}}
	readHistory(ctx, e, since, h)
	readCommits(ctx, e, h)
	c.envs[e.Env.Name] = h
	return h
}

// readHistory reads the succeeded deploys of the environment's target from the deployment
// history service, back to since.
func readHistory(ctx context.Context, e *Environment, since time.Time, h *envHistory) {
	ds, err := e.Workspace.BundleDeployments(ctx)
	if err != nil {
		return // no service, or no access: the system tables' facts stand
	}
	for _, d := range ds {
		if d.Target != e.Env.Name {
			continue
		}
		vs, err := e.Workspace.BundleVersions(ctx, d.Name, since)
		if err != nil {
			continue
		}
		for _, v := range vs {
			if v.Deploy && v.Succeeded && !v.Completed.IsZero() {
				h.versions[d.Bundle] = append(h.versions[d.Bundle], v)
			}
		}
	}
}

// readCommits reads the commit of each bundle's metadata.json in the environment's target
// (the paths the jobs' deployment blocks name).
func readCommits(ctx context.Context, e *Environment, h *envHistory) {
	paths, err := e.Store.BundleMetadataPaths(ctx, e.Env)
	if err != nil {
		return
	}
	for bundle, path := range paths {
		m, err := e.Workspace.BundleMetadata(ctx, path)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return
		}
		if err == nil && m.Bundle == bundle && m.Target == e.Env.Name && m.Git.Commit != "" {
			h.commits[bundle] = m.Git.Commit
		}
	}
}

// historyCommit is the commit the deployment history records for a bundle's deploy at (within
// historyMatch), for a discovered deployment read on its own (the previous deployment the
// Changes tab compares with); "" when there is no history or no such deploy.
func (s *Source) historyCommit(ctx context.Context, e *Environment, bundle string, at time.Time) string {
	if !s.discovering(e) || e.Workspace == nil || at.IsZero() {
		return ""
	}
	h := s.history.of(ctx, e, at.Add(-historyMatch), s.clock())
	for _, v := range h.versions[bundle] {
		if dt := v.Completed.Sub(at); dt >= -historyMatch && dt <= historyMatch {
			return v.Git.Commit
		}
	}
	return ""
}
