// Package testenv lets tests that need an outside component (Node.js and
// a pinned npm harness, Debian's chromium, a PostgreSQL server) skip when
// it is absent on a developer's machine, and fail instead in CI, where
// .ci/run installs every component and sets HPI_REQUIRE_COMPONENTS=1.
package testenv

import (
	"os"
	"testing"
)

// RequireVar is the environment variable that turns a missing component
// into a test failure.
const RequireVar = "HPI_REQUIRE_COMPONENTS"

// Missing reports that a component the test needs is absent, saying how to
// install it: the test skips, or fails when RequireVar is set.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(RequireVar) != "" {
		t.Fatalf("%s (%s is set: every component must be present)", why, RequireVar)
	}
	t.Skip(why)
}
