//! One Parquet table, written row group by row group with the parquet
//! crate's low-level writer (no Arrow: the tables are flat, so typed column
//! writers with definition levels are all that is needed). Knows nothing of
//! claims: the export decides the columns and the rows.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, FixedLenByteArray};
use parquet::data_type::{FixedLenByteArrayType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

/// Rows buffered before a row group is written.
const ROW_GROUP: usize = 256 * 1024;

/// Exact decimals: 38 digits, 16 after the point.
pub const DECIMAL_PRECISION: i32 = 38;
pub const DECIMAL_SCALE: i32 = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Bool,
    Text,
    /// DECIMAL(38,16), given as its unscaled integer.
    Decimal,
    /// Days since 1970-01-01.
    Date,
}

#[derive(Clone, Debug)]
pub enum Cell {
    Int(Option<i32>),
    Bool(bool),
    Text(Option<String>),
    Decimal(Option<i128>),
    Date(Option<i32>),
}

enum Data {
    Int(Vec<i32>),
    Bool(Vec<bool>),
    Text(Vec<ByteArray>),
    Decimal(Vec<FixedLenByteArray>),
}

struct Column {
    name: String,
    ty: ColumnType,
    data: Data,
    /// Definition levels: 1 present, 0 null (every column is OPTIONAL but
    /// booleans, which are REQUIRED).
    levels: Vec<i16>,
}

pub struct Table {
    columns: Vec<Column>,
    writer: SerializedFileWriter<File>,
    buffered: usize,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Table {
    pub fn create(path: &Path, columns: &[(String, ColumnType)]) -> Result<Table, String> {
        let fields = columns
            .iter()
            .map(|(name, ty)| {
                let b = match ty {
                    ColumnType::Int => Type::primitive_type_builder(name, Physical::INT32),
                    ColumnType::Date => Type::primitive_type_builder(name, Physical::INT32)
                        .with_logical_type(Some(LogicalType::Date)),
                    ColumnType::Bool => Type::primitive_type_builder(name, Physical::BOOLEAN),
                    ColumnType::Text => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                        .with_logical_type(Some(LogicalType::String)),
                    ColumnType::Decimal => {
                        Type::primitive_type_builder(name, Physical::FIXED_LEN_BYTE_ARRAY)
                            .with_length(16)
                            .with_converted_type(ConvertedType::DECIMAL)
                            .with_precision(DECIMAL_PRECISION)
                            .with_scale(DECIMAL_SCALE)
                            .with_logical_type(Some(LogicalType::Decimal {
                                scale: DECIMAL_SCALE,
                                precision: DECIMAL_PRECISION,
                            }))
                    }
                };
                let rep = if *ty == ColumnType::Bool {
                    Repetition::REQUIRED
                } else {
                    Repetition::OPTIONAL
                };
                b.with_repetition(rep).build().map(Arc::new).map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()
            .map_err(err)?;
        let file =
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let props = Arc::new(WriterProperties::builder().build());
        let writer = SerializedFileWriter::new(file, Arc::new(schema), props).map_err(err)?;
        let columns = columns
            .iter()
            .map(|(name, ty)| Column {
                name: name.clone(),
                ty: *ty,
                data: match ty {
                    ColumnType::Int | ColumnType::Date => Data::Int(Vec::new()),
                    ColumnType::Bool => Data::Bool(Vec::new()),
                    ColumnType::Text => Data::Text(Vec::new()),
                    ColumnType::Decimal => Data::Decimal(Vec::new()),
                },
                levels: Vec::new(),
            })
            .collect();
        Ok(Table {
            columns,
            writer,
            buffered: 0,
        })
    }

    /// Appends one row: one cell per column, in column order.
    pub fn push(&mut self, row: Vec<Cell>) -> Result<(), String> {
        if row.len() != self.columns.len() {
            return Err(format!(
                "a row of {} cells for {} columns",
                row.len(),
                self.columns.len()
            ));
        }
        for (c, cell) in self.columns.iter_mut().zip(row) {
            let present = match (&mut c.data, cell) {
                (Data::Int(v), Cell::Int(x) | Cell::Date(x)) => x.map(|x| v.push(x)).is_some(),
                (Data::Bool(v), Cell::Bool(x)) => {
                    v.push(x);
                    true
                }
                (Data::Text(v), Cell::Text(x)) => {
                    x.map(|x| v.push(ByteArray::from(x.into_bytes()))).is_some()
                }
                (Data::Decimal(v), Cell::Decimal(x)) => x
                    .map(|x| v.push(FixedLenByteArray::from(x.to_be_bytes().to_vec())))
                    .is_some(),
                _ => return Err(format!("a value of another type for column {}", c.name)),
            };
            if c.ty != ColumnType::Bool {
                c.levels.push(i16::from(present));
            }
        }
        self.buffered += 1;
        if self.buffered >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.buffered == 0 {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group().map_err(err)?;
        for c in &mut self.columns {
            let mut w = rg
                .next_column()
                .map_err(err)?
                .ok_or("fewer columns than the schema")?;
            let levels = (c.ty != ColumnType::Bool).then_some(c.levels.as_slice());
            match &mut c.data {
                Data::Int(v) => {
                    w.typed::<Int32Type>()
                        .write_batch(v, levels, None)
                        .map_err(err)?;
                    v.clear();
                }
                Data::Bool(v) => {
                    w.typed::<BoolType>()
                        .write_batch(v, levels, None)
                        .map_err(err)?;
                    v.clear();
                }
                Data::Text(v) => {
                    w.typed::<ByteArrayType>()
                        .write_batch(v, levels, None)
                        .map_err(err)?;
                    v.clear();
                }
                Data::Decimal(v) => {
                    w.typed::<FixedLenByteArrayType>()
                        .write_batch(v, levels, None)
                        .map_err(err)?;
                    v.clear();
                }
            }
            c.levels.clear();
            w.close().map_err(err)?;
        }
        rg.close().map_err(err)?;
        self.buffered = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), String> {
        self.flush()?;
        self.writer.close().map_err(err)?;
        Ok(())
    }
}
