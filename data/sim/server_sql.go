package sim

import "net/http"

// WarehouseID is the simulated SQL warehouse, the same id in every simulated workspace.
const WarehouseID = "5e3c1d2a9b8f7064"

// WarehousePath is the HTTP path of the simulated warehouse, as a workspace's connection
// details give it: databricks-sql-go posts its Thrift calls there.
const WarehousePath = "/sql/1.0/warehouses/" + WarehouseID

// sqlWarehouse answers databricks-sql-go over the estate's DuckDB (see sqlwire): statements
// in Databricks' SQL, table names as the simulation keeps them (Tables, LedgerSchema).
func (srv *Server) sqlWarehouse(w http.ResponseWriter, r *http.Request, _ User) error {
	if r.PathValue("id") != WarehouseID {
		return notFound("SQL warehouse %s does not exist.", r.PathValue("id"))
	}
	srv.warehouse.ServeHTTP(w, r)
	return nil
}
