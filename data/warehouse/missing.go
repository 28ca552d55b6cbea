package warehouse

import "strings"

// MissingTable says whether a failed statement failed because a table or schema it names
// does not exist: on Databricks the TABLE_OR_VIEW_NOT_FOUND or SCHEMA_NOT_FOUND error
// classes, on DuckDB a Catalog Error saying that something does not exist. For the ledger's
// tables, the fix is `cockpit ledger init`.
func MissingTable(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, class := range []string{"TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "NO_SUCH_CATALOG_EXCEPTION"} {
		if strings.Contains(msg, class) {
			return true
		}
	}
	return strings.Contains(msg, "Catalog Error") && strings.Contains(msg, "does not exist")
}
