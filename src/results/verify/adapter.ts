/**
 * The software-adapter flag against the adapter's identity. A CPU rasteriser's timings are CPU
 * timings; a result whose `isSoftware` says otherwise would present them as GPU figures.
 *
 * Software adapters are recognised here from public identities, independently of
 * src/gpu/adapter.ts: Mesa's llvmpipe/lavapipe and softpipe (https://docs.mesa3d.org/drivers/llvmpipe.html),
 * Google's SwiftShader, Microsoft's WARP ("Microsoft Basic Render Driver",
 * https://learn.microsoft.com/windows/win32/direct3darticles/directx-warp), and the Vulkan vendor id
 * VK_VENDOR_ID_MESA = 0x10005 (Khronos vk.xml `VkVendorId`), which Mesa's software Vulkan driver
 * reports and Dawn names "mesa" (hardware Mesa drivers report their PCI vendor).
 */
import { fieldPath, type Findings } from './findings.js';

const SOFTWARE_NAME = /\b(llvmpipe|lavapipe|softpipe|swiftshader)\b|microsoft basic render driver|\bwarp\b/i;

/** Why an adapter identity is a software adapter, or null when nothing says so. */
export function softwareEvidence(a: Record<string, unknown>): string | null {
  const text = ['name', 'description', 'driver', 'device'].map((k) => (typeof a[k] === 'string' ? (a[k] as string) : '')).join(' ');
  const m = SOFTWARE_NAME.exec(text);
  if (m) return `its identity names ${m[0]} (a CPU rasteriser)`;
  if (typeof a.vendor === 'string' && a.vendor.toLowerCase() === 'mesa') return "its vendor is 'mesa' (Vulkan vendor id 0x10005: Mesa's software driver)";
  if (a.architecture === 'software') return "its architecture is 'software'";
  return null;
}

/** Check one adapter identity's isSoftware; `warned` = the record carries a software-adapter warning. */
export function checkAdapter(a: unknown, path: Array<string | number>, f: Findings, warned = false): void {
  if (!a || typeof a !== 'object') return;
  const rec = a as Record<string, unknown>;
  const why = softwareEvidence(rec);
  const field = fieldPath(...path, 'isSoftware');
  if (why) f.check(rec.isSoftware === true, field, () => `${JSON.stringify(rec.isSoftware)}, but ${why}: its timings are CPU timings, and isSoftware must say so`);
  else if (warned) f.check(rec.isSoftware === true, field, () => `${JSON.stringify(rec.isSoftware)}, but the result's warnings say it ran on a software adapter`);
}

/** Whether a warnings list carries the software-adapter label. */
export function hasSoftwareWarning(warnings: unknown): boolean {
  return Array.isArray(warnings) && warnings.some((w) => typeof w === 'string' && /software adapter/i.test(w));
}

/**
 * Every adapter identity in a document: the environment's, each measurement's, inference's
 * adapter match (hashing and onnxruntime sides), and the hash bench's `softwareAdapter` detail.
 */
export function checkAdapters(doc: Record<string, unknown>, f: Findings): void {
  const env = doc.environment as Record<string, unknown> | undefined;
  const docWarned = hasSoftwareWarning(doc.warnings);
  checkAdapter(env?.adapter, ['environment', 'adapter'], f, docWarned);
  const ms = Array.isArray(doc.measurements) ? (doc.measurements as Array<Record<string, unknown>>) : [];
  ms.forEach((m, i) => {
    const warned = m.kind === 'hash' && hasSoftwareWarning(m.warnings);
    checkAdapter(m.adapter, ['measurements', i, 'adapter'], f, warned);
    const details = m.details as Record<string, unknown> | undefined;
    const match = details?.adapterMatch as Record<string, unknown> | undefined;
    for (const side of ['hashing', 'onnxruntime']) checkAdapter(match?.[side], ['measurements', i, 'details', 'adapterMatch', side], f);
    const adapter = m.adapter as Record<string, unknown> | null | undefined;
    if (typeof details?.softwareAdapter === 'boolean' && adapter && typeof adapter.isSoftware === 'boolean') {
      f.check(details.softwareAdapter === adapter.isSoftware, fieldPath('measurements', i, 'details', 'softwareAdapter'), () => `${details.softwareAdapter}, but the measurement's adapter.isSoftware is ${adapter.isSoftware}`);
    }
  });
}
