package schemas_test

import (
	"encoding/json"
	"fmt"

	"github.com/openhpi/hpi/schemas"
)

func ExampleGet() {
	data, err := schemas.Get("risk-model")
	if err != nil {
		fmt.Println(err)
		return
	}
	var s struct {
		ID    string `json:"$id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ID)
	fmt.Println(s.Title)

	_, err = schemas.Get("dashbaord")
	fmt.Println(err)
	// Output:
	// https://openhpi.github.io/hpi/schemas/risk-model.schema.json
	// hpi risk model
	// schemas: unknown kind "dashbaord" (want one of: fhir-mapping, framework, indicator-set, logic-model, risk-model)
}

func ExampleKinds() {
	for _, k := range schemas.Kinds() {
		fmt.Println(schemas.BaseURL + schemas.FileName(k))
	}
	// Output:
	// https://openhpi.github.io/hpi/schemas/fhir-mapping.schema.json
	// https://openhpi.github.io/hpi/schemas/framework.schema.json
	// https://openhpi.github.io/hpi/schemas/indicator-set.schema.json
	// https://openhpi.github.io/hpi/schemas/logic-model.schema.json
	// https://openhpi.github.io/hpi/schemas/risk-model.schema.json
}
