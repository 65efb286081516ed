-- Made up for Goldset's tests, in the spirit of BIRD's debit_card_specializing; no real shop.
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  segment TEXT
);
CREATE TABLE orders (
  order_id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers (customer_id),
  order_date TEXT,
  amount REAL,
  status TEXT
);
INSERT INTO customers VALUES
  (1, 'Atelier Vélo', 'Lyon', 'KAM'),
  (2, 'Pedal & Co', 'Lyon', 'SME'),
  (3, 'Roue Libre', 'Paris', 'KAM'),
  (4, 'Chain Gang', 'Paris', 'SME'),
  (5, 'Spoke Works', 'Nantes', 'LAM'),
  (6, 'Le Guidon', 'Lyon', 'SME');
INSERT INTO orders VALUES
  (1, 1, '2023-01-14', 1250.5, 'A'),
  (2, 1, '2023-03-02', 310.0, 'A'),
  (3, 1, '2023-03-28', 89.9, 'C'),
  (4, 2, '2023-03-15', 560.25, 'A'),
  (5, 3, '2023-02-10', 2300.0, 'A'),
  (6, 3, '2022-11-05', 150.0, 'A'),
  (7, 4, '2023-03-31', 75.5, 'C'),
  (8, 5, '2023-04-01', 990.0, 'A'),
  (9, 6, '2023-05-19', 42.0, 'A'),
  (10, 1, '2023-06-07', 615.75, 'A'),
  (11, 3, '2023-07-21', 1800.0, 'C');
