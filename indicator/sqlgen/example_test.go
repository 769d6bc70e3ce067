package sqlgen_test

import (
	"fmt"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
)

// Compile a tiny set to PostgreSQL: the tables it reads, and how a
// criterion reads an event list (a correlated aggregate over the child
// table) with CEL's error rule (NULL is an error).
func Example() {
	set, err := indicator.Load("tiny.yaml", []byte(`
id: tiny
schema:
  unit: patient
  fields:
    age: int
    conditions:
      fields:
        code: string
valuesets:
  diabetes: [E10, E11]
indicators:
  - id: DM
    type: proportion
    initial_population: age >= 18
    numerator: conditions.exists(c, c.code in valuesets.diabetes)
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	ddl, err := sqlgen.CreateTables(sqlgen.Postgres{}, set.Schema(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range ddl {
		fmt.Println(s + ";")
	}
	p, err := sqlgen.Compile(set, sqlgen.Postgres{}, sqlgen.DefaultMapping(set.Schema()))
	if err != nil {
		fmt.Println(err)
		return
	}
	args, _ := p.Args(nil)
	fmt.Println("placeholders:", args)
	// Output:
	// CREATE TABLE "patient" (
	// 	"hpi_key" bigint PRIMARY KEY,
	// 	"age" bigint NOT NULL
	// );
	// CREATE TABLE "patient_conditions" (
	// 	"hpi_key" bigint NOT NULL,
	// 	"hpi_ordinal" bigint NOT NULL,
	// 	"code" text NOT NULL
	// );
	// CREATE INDEX "patient_conditions_key_ordinal" ON "patient_conditions" ("hpi_key", "hpi_ordinal");
	// placeholders: [[E10 E11]]
}
