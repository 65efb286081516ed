# Writes the fixture's database_description CSVs with the quirks of BIRD's own files: schools.csv
# starts with a UTF-8 byte-order mark and has Latin-1 bytes (as a spreadsheet on Windows saves),
# frpm.csv describes a column the table does not have and ends with an empty row, orders.csv has
# a value description spanning lines.
import sys

out = sys.argv[1]

def write(path, text, encoding="utf-8", bom=False):
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path, "wb") as f:
        f.write(data)

header = "original_column_name,column_name,column_description,data_format,value_description\r\n"

# A BOM, then UTF-8 text with Latin-1 bytes inside: "Año" and "é" below are single bytes.
schools = (
    header
    + "CDSCode,CDSCode,California Department of Schools code,text,\r\n"
    + "School Name,School Name,the name of the school,text,\r\n"
    + "County,County,the county where the school is,text,\r\n"
    + 'Charter,Charter,whether the school is a charter school,integer,"1: the school is a charter school; 0: it is not"\r\n'
    + "OpenDate,Open Date,the date the school opened (Año de apertura),date,\r\n"
)
data = b"\xef\xbb\xbf" + schools.encode("latin-1")
with open(f"{out}/school_meals/database_description/schools.csv", "wb") as f:
    f.write(data)

write(f"{out}/school_meals/database_description/frpm.csv",
      header
      + "CDSCode,CDSCode,California Department of Schools code,text,\r\n"
      + "Academic Year,Academic Year,the school year,text,\r\n"
      + "Enrollment (K-12),Enrollment (K-12),students enrolled from kindergarten to grade 12,integer,\r\n"
      + "Free Meal Count (K-12),Free Meal Count (K-12),students eligible for a free meal,integer,"
      + '"eligible free rate = Free Meal Count (K-12) / Enrollment (K-12)"\r\n'
      + "FRPM Count (K-12),FRPM Count (K-12),students eligible for a free or reduced price meal,integer,\r\n"
      + "District Code,District Code,the district's code,integer,\r\n"
      + ",,,,\r\n")

write(f"{out}/bike_shop/database_description/customers.csv",
      header
      + "customer_id,customer id,the customer's number,integer,\n"
      + "name,,the customer's trading name,text,\n"
      + "city,,,text,\n"
      + 'segment,client segment,the customer\'s segment,text,"KAM: key account; SME: small and medium enterprise; LAM: large account"\n')

write(f"{out}/bike_shop/database_description/orders.csv",
      header
      + "order_id,order id,the order's number,integer,\n"
      + "customer_id,customer id,the customer who ordered,integer,\n"
      + "order_date,order date,the day the order was placed,text,YYYY-MM-DD\n"
      + "amount,,the order's total in euros,real,\n"
      + 'status,,the order\'s state,text,"A: active\nC: cancelled"\n')
