package check

// evaluation says which data a check reads and how. The checks' implementation
// defines it.
type evaluation struct{}
