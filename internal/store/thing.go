package store

// ThingReader reads the thing family of resources.
type ThingReader interface {
}

// ThingWriter writes the thing family of resources.
type ThingWriter interface {
}
