/**
 * Beijing-time formatting for pages. Stored times already carry +08:00, but they are parsed and
 * shifted rather than sliced so a record written with another offset still shows Beijing time.
 * China has had no daylight saving since 1991, so a fixed +8 h is exact for this paper.
 */
const beijingOffsetMs = 8 * 3600 * 1000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The Beijing wall-clock fields of an instant. */
const beijingFields = (instant: Date) => {
  const shifted = new Date(instant.getTime() + beijingOffsetMs);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
};

/** Today's date in Beijing as YYYY-MM-DD. */
export const beijingDate = (instant: Date) => {
  const f = beijingFields(instant);
  return `${f.year}-${pad(f.month)}-${pad(f.day)}`;
};

/** `2024-11-30` → `2024年11月30日`. */
export const formatChineseDate = (isoDate: string) => {
  const [y, m, d] = isoDate.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/** An ISO time → `2024年11月30日 14:05` in Beijing time; undefined when unparsable. */
export const formatChineseDateTime = (iso: string) => {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return undefined;
  const f = beijingFields(instant);
  return `${f.year}年${f.month}月${f.day}日 ${pad(f.hour)}:${pad(f.minute)}`;
};

/** An ISO time → `2024-11-30T05:00:00+08:00`; undefined when unparsable. */
export const toBeijingIso = (iso: string) => {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return undefined;
  const f = beijingFields(instant);
  return `${f.year}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}+08:00`;
};
