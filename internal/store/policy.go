package store

// PolicyReader reads the policy family of resources.
type PolicyReader interface {
}

// PolicyWriter writes the policy family of resources.
type PolicyWriter interface {
}
