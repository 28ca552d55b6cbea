package sim

import (
	"fmt"
	"strings"
)

// The estate's shape is fixed (names do not depend on the seed, so stories and tests can
// name things); the seed decides times, versions and outcomes.

// chain is one domain's medallion chain: a bronze bundle feeding a silver one feeding a gold one.
type chain struct {
	catalog string
	bronze  string
	silver  string
	gold    string
}

// chains are named after the seed material: supply chain, logistics cost, tariff analysis,
// anomaly detection, e-commerce, multi-client Kafka alerting, and neighbouring domains.
var chains = []chain{
	{"ecommerce", "ecommerce_ingest", "ecommerce_orders", "ecommerce_gold_reporting"},
	{"supply_chain", "supply_chain_ingestion", "supply_chain_analytics", "supply_chain_kpis"},
	{"logistics", "logistics_telemetry", "logistics_cost_streaming", "logistics_cost_reporting"},
	{"trade", "customs_filings_ingest", "tariff_analysis", "tariff_impact_gold"},
	{"risk", "transactions_ingest", "anomaly_detection_retraining", "anomaly_alerts_gold"},
	{"alerting", "kafka_alerting", "client_events_silver", "client_health_gold"},
	{"inventory", "inventory_snapshots", "inventory_positions", "inventory_forecast"},
	{"marketing", "clickstream_ingest", "sessionization", "marketing_attribution"},
	{"finance", "ledger_ingest", "finance_reconciliation", "finance_revenue_reporting"},
	{"customer", "crm_ingest", "customer_360", "customer_churn_gold"},
	{"fleet", "fleet_gps_ingest", "fleet_routes", "fleet_utilization_gold"},
	{"pricing", "price_feeds_ingest", "pricing_engine", "pricing_margin_gold"},
	{"hr", "workday_ingest", "workforce_silver", "workforce_planning_gold"},
}

// consumers are bundles that only read other domains' gold tables: the second hop of a
// release's blast radius.
var consumers = []struct {
	bundle string
	reads  []string // bundles whose gold tables it reads
}{
	{"executive_dashboards", []string{"ecommerce_gold_reporting", "finance_revenue_reporting", "supply_chain_kpis"}},
}

var layers = [...]string{"bronze", "silver", "gold"}

// expectations by layer, from the seed pipelines (valid_client_id, not_null_timestamp, ...).
var layerExpectations = [...][]string{
	{"not_null_timestamp", "valid_client_id", "valid_json_payload"},
	{"valid_client_id", "not_null_timestamp", "valid_status", "non_negative_amount"},
	{"non_negative_amount", "valid_status", "unique_order_key"},
}

// bundleSpec is one Databricks Asset Bundle and the resources it deploys in each environment.
type bundleSpec struct {
	index   int
	name    string
	catalog string
	layer   int // 0 bronze, 1 silver, 2 gold, 3 consumer
	jobs    []resourceSpec
	pipes   []resourceSpec
	// reads are the tables this bundle's resources read (from the bundle upstream of it).
	reads []string
}

// resourceSpec is one job or pipeline of a bundle; the same key exists in every environment.
type resourceSpec struct {
	key     string
	kind    string // job | pipeline
	hourly  bool
	offset  int // minute of the hour (hourly) or of the day (daily) it is scheduled at
	writes  []string
	reads   []string
	tasks   []string
	expects []string // pipelines only
	// baseMinutes is its typical duration.
	baseMinutes int
}

// estate is the fixed shape of the simulated workspaces.
type estate struct {
	bundles  []*bundleSpec
	byName   map[string]*bundleSpec
	jobCount int
	pipCount int
}

// newEstate builds the estate: 40 bundles, 175 jobs and 75 pipelines per environment.
func newEstate() *estate { return newScaledEstate(1) }

// newScaledEstate builds the estate with scale times its jobs and pipelines (Options.Scale;
// below 2 is the estate itself). The bundles, their releases and the stories stay the same:
// every bundle owns scale copies of each of its jobs and pipelines, named after the
// original's key with the copy's number ("ecommerce_orders_refresh_2_job",
// "ecommerce_orders_2_dlt"), each writing its own table, scheduled a few minutes apart.
// The originals come first and keep their ids, keys, schedules and runs, so a scaled estate
// holds the estate's own history and more; only the number of jobs and pipelines grows.
func newScaledEstate(scale int) *estate {
	scale = max(scale, 1)
	e := &estate{byName: map[string]*bundleSpec{}}
	add := func(name, catalog string, layer int) *bundleSpec {
		b := &bundleSpec{index: len(e.bundles), name: name, catalog: catalog, layer: layer}
		e.bundles = append(e.bundles, b)
		e.byName[name] = b
		return b
	}
	for _, c := range chains {
		add(c.bronze, c.catalog, 0)
		add(c.silver, c.catalog, 1)
		add(c.gold, c.catalog, 2)
	}
	for _, c := range consumers {
		add(c.bundle, "analytics", 3)
	}
	// Resources: 175 jobs (the first 15 bundles get 5, the rest 4) and 75 pipelines (the
	// first 35 bundles get 2, the rest 1), deterministic in the bundle's index.
	for _, b := range e.bundles {
		nJobs, nPipes := baseJobs(b.index), 1
		if b.index < 35 {
			nPipes = 2
		}
		stem := b.name
		layer := "gold"
		if b.layer < 3 {
			layer = layers[b.layer]
		}
		for c := 0; c < scale; c++ {
			b.addPipes(stem, layer, nPipes, c)
		}
		for c := 0; c < scale; c++ {
			b.addJobs(stem, layer, nJobs, c)
		}
		e.jobCount += nJobs * scale
		e.pipCount += nPipes * scale
	}
	// Reads: each layer reads the tables of the bundle upstream of it in its chain; bronze
	// reads raw landing paths (no table lineage source), consumers read gold tables.
	for _, b := range e.bundles {
		switch {
		case b.layer == 1 || b.layer == 2:
			up := e.bundles[b.index-1]
			b.reads = up.written()
		case b.layer == 3:
			for _, c := range consumers {
				if c.bundle == b.name {
					for _, r := range c.reads {
						b.reads = append(b.reads, e.byName[r].written()...)
					}
				}
			}
		}
		for i := range b.pipes {
			b.pipes[i].reads = b.reads
		}
		for i := range b.jobs {
			// Jobs read their own bundle's pipeline output.
			b.jobs[i].reads = b.pipes[0].writes
		}
	}
	return e
}

// baseJobs is how many jobs a bundle of the estate owns: the first 15 bundles 5, the rest 4.
func baseJobs(bundle int) int {
	if bundle < 15 {
		return 5
	}
	return 4
}

// copyName is the copy c of a key or table name: the name itself for the original (c 0),
// else the name with the copy's number ("_2", "_3", ...).
func copyName(name string, c int) string {
	if c == 0 {
		return name
	}
	return fmt.Sprintf("%s_%d", name, c+1)
}

// addPipes adds copy c of the bundle's n pipelines (c 0: the originals).
func (b *bundleSpec) addPipes(stem, layer string, n, c int) {
	for p := 0; p < n; p++ {
		key := copyName(stem, c) + "_dlt"
		if p > 0 {
			key = copyName(fmt.Sprintf("%s_%s", stem, []string{"", "backfill", "quality"}[p]), c) + "_dlt"
		}
		r := resourceSpec{
			key: key, kind: "pipeline",
			hourly:      (b.index+p)%3 == 0 || b.name == "ecommerce_orders",
			offset:      (b.index*7 + p*23 + c*13) % 60,
			writes:      []string{fmt.Sprintf("%s.%s.%s", b.catalog, layer, copyName(tableStem(stem, p), c))},
			expects:     pick(layerExpectations[min(b.layer, 2)], b.index+p, 2+(b.index+p)%2),
			baseMinutes: 6 + (b.index*3+p*5)%20,
		}
		if b.name == "ecommerce_orders" && p == 0 {
			// The incident's pipeline checks client ids first: that is what breaks.
			r.expects = []string{"valid_client_id", "not_null_timestamp", "valid_status", "non_negative_amount"}
		}
		b.pipes = append(b.pipes, r)
	}
}

// addJobs adds copy c of the bundle's n jobs (c 0: the originals).
func (b *bundleSpec) addJobs(stem, layer string, n, c int) {
	for j := 0; j < n; j++ {
		suffix := []string{"refresh", "maintenance", "export", "quality_scan", "compaction"}[j]
		r := resourceSpec{
			key: copyName(fmt.Sprintf("%s_%s", stem, suffix), c) + "_job", kind: "job",
			hourly:      (b.index*5+j)%10 < 3,
			offset:      (b.index*11 + j*17 + c*13) % 60,
			tasks:       taskKeys(suffix, (b.index+j)%3+1),
			baseMinutes: 4 + (b.index*7+j*13)%40,
		}
		if j == 0 {
			// The main job writes the bundle's second table; the others only read.
			r.writes = []string{fmt.Sprintf("%s.%s.%s", b.catalog, layer, copyName(tableStem(stem, 0)+"_summary", c))}
		}
		b.jobs = append(b.jobs, r)
	}
}

// written lists the tables a bundle's resources write.
func (b *bundleSpec) written() []string {
	var out []string
	for _, r := range b.pipes {
		out = append(out, r.writes...)
	}
	for _, r := range b.jobs {
		out = append(out, r.writes...)
	}
	return out
}

// resources lists jobs then pipelines.
func (b *bundleSpec) resources() []resourceSpec {
	return append(append([]resourceSpec(nil), b.jobs...), b.pipes...)
}

// tableNames give the story chains and the seed bundles their real table names.
var tableNames = map[string]string{
	"ecommerce_ingest": "raw_orders", "ecommerce_orders": "orders_clean", "ecommerce_gold_reporting": "daily_revenue",
	"executive_dashboards": "exec_kpis", "supply_chain_ingestion": "shipment_events", "supply_chain_analytics": "shipments_enriched",
	"supply_chain_kpis": "supply_chain_kpis", "kafka_alerting": "kafka_raw_bronze", "client_events_silver": "silver_client_events",
	"client_health_gold": "gold_client_summary", "logistics_cost_streaming": "logistics_costs", "tariff_analysis": "hs_code_tariff_impact",
	"anomaly_detection_retraining": "anomaly_scores",
}

func tableStem(bundle string, p int) string {
	if n, ok := tableNames[bundle]; ok {
		if p > 0 {
			return n + []string{"", "_backfill", "_quality"}[p]
		}
		return n
	}
	for _, suf := range []string{"_ingest", "_ingestion", "_streaming", "_retraining", "_reporting", "_gold", "_silver"} {
		bundle = strings.TrimSuffix(bundle, suf)
	}
	if p > 0 {
		return bundle + []string{"", "_backfill", "_quality"}[p]
	}
	return bundle
}

func pick(from []string, seed, n int) []string {
	out := make([]string, 0, n)
	for i := 0; i < n && i < len(from); i++ {
		out = append(out, from[(seed+i)%len(from)])
	}
	return out
}

func taskKeys(suffix string, n int) []string {
	keys := []string{"prepare", suffix, "publish"}
	if n == 1 {
		return []string{suffix}
	}
	return keys[:n]
}

// jobID is the numeric id of a job in an environment; ids differ by environment as they
// would across workspaces and targets.
func jobID(env string, bundle, j int) int64 {
	return 1_000_000_000_000 + int64(envIndex(env))*100_000_000_000 + int64(bundle)*1000 + int64(j)
}

// globalJobIndex is unique per (env, bundle, job) and small (< 1000) for the estate's own
// jobs: a run's id is its minute*1000 plus it. A copy c of a scaled estate's job
// (newScaledEstate) adds c*10^12, above every id of minute*1000 form, so its runs' ids
// stay unique and never meet those of the original's runs or of run-now.
func globalJobIndex(env string, bundle, j int) int64 {
	c, jb := j/baseJobs(bundle), j%baseJobs(bundle)
	return int64(c)*1_000_000_000_000 + int64(envIndex(env))*300 + int64(bundle)*6 + int64(jb)
}

// pipelineID is a stable UUID-shaped id of a pipeline in an environment.
func pipelineID(env, key string) string { return uuidOf("pipeline", env, key) }

func envIndex(env string) int {
	for i, e := range Environments {
		if e == env {
			return i
		}
	}
	return 0
}

// resourceName is the display name a bundle gives a resource in a target (as in the seed
// bundle: "{{bundle.target}}-supply-chain-ingestion-dlt").
func resourceName(env, key string) string {
	return env + "-" + strings.ReplaceAll(strings.TrimSuffix(strings.TrimSuffix(key, "_job"), "_dlt"), "_", "-") + map[bool]string{true: "-dlt", false: ""}[strings.HasSuffix(key, "_dlt")]
}

// bundleRoot is where `bundle deploy` keeps a bundle's state in a target.
func bundleRoot(bundle, env string) string {
	return "/Workspace/Users/" + people[3].UserName + "/.bundle/" + bundle + "/" + env
}
