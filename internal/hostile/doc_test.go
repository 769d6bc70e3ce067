// Package hostile_test feeds every YAML loader of the module hostile input
// (alias bombs, deep nesting, huge scalars, duplicate keys, wrong types,
// binary garbage) and checks that each returns a positioned error within
// bounded time and memory, never a panic. It holds tests only.
package hostile_test
