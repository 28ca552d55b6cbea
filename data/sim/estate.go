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
func newEstate() *estate {
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
		nJobs, nPipes := 4, 1
		if b.index < 15 {
			nJobs = 5
		}
		if b.index < 35 {
			nPipes = 2
		}
		stem := b.name
		layer := "gold"
		if b.layer < 3 {
			layer = layers[b.layer]
		}
		for p := 0; p < nPipes; p++ {
			key := fmt.Sprintf("%s_dlt", stem)
			if p > 0 {
				key = fmt.Sprintf("%s_%s_dlt", stem, []string{"", "backfill", "quality"}[p])
			}
			r := resourceSpec{
				key: key, kind: "pipeline",
				hourly:      (b.index+p)%3 == 0 || b.name == "ecommerce_orders",
				offset:      (b.index*7 + p*23) % 60,
				writes:      []string{fmt.Sprintf("%s.%s.%s", b.catalog, layer, tableStem(stem, p))},
				expects:     pick(layerExpectations[min(b.layer, 2)], b.index+p, 2+(b.index+p)%2),
				baseMinutes: 6 + (b.index*3+p*5)%20,
			}
			if b.name == "ecommerce_orders" && p == 0 {
				// The incident's pipeline checks client ids first: that is what breaks.
				r.expects = []string{"valid_client_id", "not_null_timestamp", "valid_status", "non_negative_amount"}
			}
			b.pipes = append(b.pipes, r)
		}
		for j := 0; j < nJobs; j++ {
			suffix := []string{"refresh", "maintenance", "export", "quality_scan", "compaction"}[j]
			r := resourceSpec{
				key: fmt.Sprintf("%s_%s_job", stem, suffix), kind: "job",
				hourly:      (b.index*5+j)%10 < 3,
				offset:      (b.index*11 + j*17) % 60,
				tasks:       taskKeys(suffix, (b.index+j)%3+1),
				baseMinutes: 4 + (b.index*7+j*13)%40,
			}
			if j == 0 {
				// The main job writes the bundle's second table; the others only read.
				r.writes = []string{fmt.Sprintf("%s.%s.%s_summary", b.catalog, layer, tableStem(stem, 0))}
			}
			b.jobs = append(b.jobs, r)
		}
		e.jobCount += nJobs
		e.pipCount += nPipes
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

// globalJobIndex is small (< 1000) and unique per (env, bundle, job): used in run ids.
func globalJobIndex(env string, bundle, j int) int64 {
	return int64(envIndex(env))*300 + int64(bundle)*6 + int64(j)
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
