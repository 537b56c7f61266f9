package iot

// Tag is a key-value label on a taggable resource.
type Tag struct {
	Key   string
	Value string
}

// Tag rules, the same for every taggable resource.
const (
	// MaxTagsPerResource is how many tags one resource may carry.
	MaxTagsPerResource = 50
	// ReservedTagPrefix starts the keys AWS keeps for itself; users cannot set
	// or remove them.
	ReservedTagPrefix = "aws:"
)
