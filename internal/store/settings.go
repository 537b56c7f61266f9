package store

// SettingsReader reads the settings family of resources.
type SettingsReader interface {
}

// SettingsWriter writes the settings family of resources.
type SettingsWriter interface {
}
