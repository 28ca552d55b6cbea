package model

// BlastRadius counts the distinct consumers among a deployment's downstream lineage: the
// jobs, pipelines, queries and dashboards its written tables reach within two hops.
func BlastRadius(ts []LineageTable) int {
	seen := map[string]bool{}
	for _, t := range ts {
		if t.Direction == LineageDownstream && t.Consumer != "" {
			seen[t.Consumer] = true
		}
	}
	return len(seen)
}
