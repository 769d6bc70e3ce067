package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestREADMEShowsThisProgram: the README's Go example is this program's
// body, so the README cannot show code that does not compile or run.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	code, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(code), "// README:begin\n")
	body, _, _ = strings.Cut(body, "\t// README:end")
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	want := "```go\n" + strings.Join(lines, "\n") + "```"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README lacks the example of examples/readme/main.go:\n%s", want)
	}
}

func TestMain_PrintsTheIndicator(t *testing.T) {
	stdout := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		read <- b
	}()
	os.Stdout = w
	main()
	w.Close()
	os.Stdout = stdout
	out := <-read
	// 1 of 2 adults (the 15-year-old is not in the initial population);
	// the Wilson interval of 1/2 is 0.0945-0.9055.
	if !strings.HasPrefix(string(out), "50.0% (9.5-90.5), 1 of 2\n") {
		t.Errorf("output:\n%s", out)
	}
}
