package model

import "time"

// CostItem is the DBUs of one job run or pipeline update.
type CostItem struct {
	ResourceType string // job | pipeline
	ResourceID   string // job id or pipeline id
	ResourceName string // the job's or pipeline's name, where the caller resolved it
	RunID        string // run id or update id
	DBUs         float64
}

// Cost is what a deployment's runs and updates consumed, most expensive first.
type Cost struct {
	Items []CostItem
	DBUs  float64
	// DataThrough is the latest usage_end_time of the workspace's DBU records since the
	// window started; zero when none arrived. Billing is up to 12 hours late, so runs that
	// ended after it may not be counted yet: say so.
	DataThrough time.Time
	// Skipped counts the billing rows left out (no run id, no DBUs).
	Skipped Skipped
}
