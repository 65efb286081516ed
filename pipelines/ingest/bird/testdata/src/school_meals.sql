-- Made up for Goldset's tests, in the spirit of BIRD's california_schools; no real school.
CREATE TABLE schools (
  CDSCode TEXT NOT NULL PRIMARY KEY,
  `School Name` TEXT,
  County TEXT,
  Charter INTEGER,
  OpenDate DATE
);
CREATE TABLE frpm (
  CDSCode TEXT NOT NULL PRIMARY KEY REFERENCES schools (CDSCode),
  `Academic Year` TEXT,
  `Enrollment (K-12)` INTEGER,
  `Free Meal Count (K-12)` INTEGER,
  `FRPM Count (K-12)` INTEGER
);
INSERT INTO schools VALUES
  ('01100170000001', 'Harbor Lane Elementary', 'Alameda', 0, '1998-08-24'),
  ('01100170000002', 'Bayview Charter Academy', 'Alameda', 1, '2005-09-01'),
  ('01100170000003', 'Oak Hill Middle', 'Alameda', 0, '1987-08-30'),
  ('01100170000004', 'Lakeside STEM Charter', 'Alameda', 1, '2012-08-15'),
  ('10100170000005', 'Valley Fields High', 'Fresno', 0, '2005-08-20'),
  ('10100170000006', 'Sierra Vista Charter', 'Fresno', 1, '2009-08-18'),
  ('10100170000007', 'Riverbend Elementary', 'Fresno', 0, '1975-09-03'),
  ('19100170000008', 'Canyon Ridge High', 'Los Angeles', 0, '2001-08-27'),
  ('01100170000009', 'Marina Park School', 'Alameda', 0, NULL);
INSERT INTO frpm VALUES
  ('01100170000001', '2014-2015', 420, 210, 260),
  ('01100170000002', '2014-2015', 300, 45, 80),
  ('01100170000003', '2014-2015', 610, 122, 190),
  ('01100170000004', '2014-2015', 250, 150, 170),
  ('10100170000005', '2014-2015', 1450, 900, 1010),
  ('10100170000006', '2014-2015', 380, 95, 140),
  ('10100170000007', '2014-2015', 520, 390, 430),
  ('19100170000008', '2014-2015', 2100, 630, 800),
  ('01100170000009', '2014-2015', 180, 20, 35);
