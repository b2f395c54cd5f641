/**
 * @module A small Parquet writer for the daily summary report: one row group, one uncompressed PLAIN data page per
 * column, flat schema of UTF-8 strings (optional, as Parquet.Net writes reference types), INT32 and INT64 (required).
 * Metadata in the Thrift compact protocol, as the format specifies (github.com/apache/parquet-format).
 */

export type ParquetColumn =
  | { name: string; type: 'string'; values: string[] }
  | { name: string; type: 'int32'; values: number[] }
  | { name: string; type: 'int64'; values: number[] };

const MAGIC = Buffer.from('PAR1');
// Parquet enums.
const PHYSICAL = { int32: 1, int64: 2, string: 6 } as const; // INT32, INT64, BYTE_ARRAY
const REPETITION_REQUIRED = 0;
const REPETITION_OPTIONAL = 1;
const CONVERTED_UTF8 = 0;
const ENCODING_PLAIN = 0;
const ENCODING_RLE = 3;
const CODEC_UNCOMPRESSED = 0;
const PAGE_DATA = 0;

/** Thrift compact protocol, just what Parquet metadata needs. */
class CompactWriter {
  private readonly bytes: number[] = [];
  private readonly lastField: number[] = [0];

  varint(n: bigint): this {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }

  private zigzag(n: bigint): bigint {
    return n >= 0n ? n << 1n : (-n << 1n) - 1n;
  }

  private field(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.varint(this.zigzag(BigInt(id)));
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.field(id, 5);
    return this.varint(this.zigzag(BigInt(v)));
  }

  i64(id: number, v: number | bigint): this {
    this.field(id, 6);
    return this.varint(this.zigzag(BigInt(v)));
  }

  binary(id: number, v: string): this {
    this.field(id, 8);
    const b = Buffer.from(v, 'utf8');
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
    return this;
  }

  /** A list field: `elementType` 5 (i32), 8 (binary) or 12 (struct); `write` writes each element. */
  list<T>(id: number, elementType: number, items: T[], write: (item: T) => void): this {
    this.field(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(BigInt(items.length));
    }
    for (const item of items) write(item);
    return this;
  }

  /** A struct value (as a list element); `write` writes its fields. */
  structValue(write: () => void): this {
    this.lastField.push(0);
    write();
    this.bytes.push(0); // STOP
    this.lastField.pop();
    return this;
  }

  struct(id: number, write: () => void): this {
    this.field(id, 12);
    return this.structValue(write);
  }

  i32Value(v: number): this {
    return this.varint(this.zigzag(BigInt(v)));
  }

  binaryValue(v: string): this {
    const b = Buffer.from(v, 'utf8');
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
    return this;
  }

  /** A top-level struct: its fields, then STOP. */
  end(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

function plainValues(column: ParquetColumn): Buffer {
  if (column.type === 'string') {
    return Buffer.concat(
      column.values.flatMap((v) => {
        const b = Buffer.from(v, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(b.length);
        return [length, b];
      }),
    );
  }
  const width = column.type === 'int32' ? 4 : 8;
  const out = Buffer.alloc(column.values.length * width);
  column.values.forEach((v, i) => (column.type === 'int32' ? out.writeInt32LE(v, i * 4) : out.writeBigInt64LE(BigInt(v), i * 8)));
  return out;
}

/** Definition levels of an optional column whose values are all present: one RLE run of 1s, length-prefixed. */
function allDefinedLevels(count: number): Buffer {
  const run = new CompactWriter().varint(BigInt(count) << 1n).end().subarray(0, -1); // varint header, no STOP
  const body = Buffer.concat([run, Buffer.from([1])]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length);
  return Buffer.concat([length, body]);
}

/** The whole file for `columns` (all of the same length). */
export function writeParquet(columns: ParquetColumn[], createdBy: string): Buffer {
  const rows = columns[0]?.values.length ?? 0;
  if (columns.some((c) => c.values.length !== rows)) throw new Error('every column needs the same number of values');
  const chunks: Buffer[] = [MAGIC];
  let offset = MAGIC.length;
  const chunkMeta: Array<{ column: ParquetColumn; offset: number; size: number }> = [];
  for (const column of columns) {
    const data = column.type === 'string' ? Buffer.concat([allDefinedLevels(rows), plainValues(column)]) : plainValues(column);
    const w = new CompactWriter();
    w.i32(1, PAGE_DATA).i32(2, data.length).i32(3, data.length);
    w.struct(5, () => {
      w.i32(1, rows).i32(2, ENCODING_PLAIN).i32(3, ENCODING_RLE).i32(4, ENCODING_RLE);
    });
    const pageHeader = w.end();
    chunks.push(pageHeader, data);
    chunkMeta.push({ column, offset, size: pageHeader.length + data.length });
    offset += pageHeader.length + data.length;
  }
  const meta = new CompactWriter();
  meta.i32(1, 1);
  meta.list(2, 12, [undefined, ...columns], (c) =>
    meta.structValue(() => {
      if (c === undefined) {
        meta.binary(4, 'schema').i32(5, columns.length);
        return;
      }
      meta.i32(1, PHYSICAL[c.type]).i32(3, c.type === 'string' ? REPETITION_OPTIONAL : REPETITION_REQUIRED).binary(4, c.name);
      if (c.type === 'string') meta.i32(6, CONVERTED_UTF8);
    }),
  );
  meta.i64(3, rows);
  meta.list(4, 12, [chunkMeta], (group) =>
    meta.structValue(() => {
      meta.list(1, 12, group, (m) =>
        meta.structValue(() => {
          meta.i64(2, m.offset);
          meta.struct(3, () => {
            meta.i32(1, PHYSICAL[m.column.type]);
            meta.list(2, 5, [ENCODING_PLAIN, ENCODING_RLE], (e) => meta.i32Value(e));
            meta.list(3, 8, [m.column.name], (n) => meta.binaryValue(n));
            meta.i32(4, CODEC_UNCOMPRESSED);
            meta.i64(5, rows);
            meta.i64(6, m.size);
            meta.i64(7, m.size);
            meta.i64(9, m.offset);
          });
        }),
      );
      meta.i64(2, group.reduce((sum, m) => sum + m.size, 0));
      meta.i64(3, rows);
    }),
  );
  meta.binary(6, createdBy);
  const footer = meta.end();
  const footerLength = Buffer.alloc(4);
  footerLength.writeUInt32LE(footer.length);
  chunks.push(footer, footerLength, MAGIC);
  return Buffer.concat(chunks);
}
