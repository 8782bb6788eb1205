-- The newest migration applied to this database (GET /api/health).
SELECT max(version)::INTEGER AS schema_version FROM schema_version;
