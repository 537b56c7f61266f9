-- The thing family: thing types, things with their attributes, static thing
-- groups and group membership.

CREATE TABLE thing_types (
    account_id             TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    id                     TEXT NOT NULL,
    description            TEXT NOT NULL,
    searchable_attributes  TEXT NOT NULL, -- JSON array of attribute names
    propagating_attributes TEXT NOT NULL, -- JSON array of {userPropertyKey, thingAttribute, connectionAttribute}
    deprecated             INTEGER NOT NULL,
    deprecated_at          INTEGER,       -- NULL while not deprecated
    created_at             INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE things (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    id         TEXT NOT NULL,
    type_name  TEXT,                      -- NULL: no thing type
    attributes TEXT NOT NULL,             -- JSON object, read back whole
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name),
    FOREIGN KEY (account_id, type_name) REFERENCES thing_types (account_id, name)
) STRICT, WITHOUT ROWID; -- clustered by name: a page of ListThings is one range read

-- ListThings by type, in name order.
CREATE INDEX things_type ON things (account_id, type_name, name);

-- One row per attribute, so that ListThings can filter by attribute through an
-- index; things.attributes stays the copy that is read.
CREATE TABLE thing_attributes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thing_name TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, thing_name, name),
    FOREIGN KEY (account_id, thing_name) REFERENCES things (account_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX thing_attributes_value ON thing_attributes (account_id, name, value, thing_name);

CREATE TABLE thing_groups (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    id          TEXT NOT NULL,
    parent_name TEXT,                     -- NULL for a root group
    -- The names from the root down to this group, each followed by '/', after a
    -- leading '/': '/root/child/'. A group's descendants are the paths that
    -- start with its path (names never contain '/').
    path        TEXT NOT NULL,
    description TEXT NOT NULL,
    attributes  TEXT NOT NULL,            -- JSON object
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, name),
    FOREIGN KEY (account_id, parent_name) REFERENCES thing_groups (account_id, name)
) STRICT;

CREATE INDEX thing_groups_parent ON thing_groups (account_id, parent_name, name);
CREATE INDEX thing_groups_path ON thing_groups (account_id, path);

CREATE TABLE thing_group_members (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    thing_name TEXT NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, group_name, thing_name),
    FOREIGN KEY (account_id, group_name) REFERENCES thing_groups (account_id, name) ON DELETE CASCADE,
    FOREIGN KEY (account_id, thing_name) REFERENCES things (account_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX thing_group_members_thing ON thing_group_members (account_id, thing_name, group_name);
