-- When a tool last heard from a device, and which kind of tool saw it
-- (management, protection or scanner): coverage compares the tools.
ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
ALTER TABLE devices ADD COLUMN inventory TEXT NOT NULL DEFAULT 'management';
