/**
 * Host power by device class: the rest of the server a GPU's board power does not include (CPUs,
 * memory, fans, NICs, NVSwitch). A measured GPU figure is GPU board power; what a site feeds is
 * the whole server. Pure.
 *
 * - `hgx`: 8-GPU HGX/DGX boards (SXM/OAM modules): server W = GPU W × 1.821 (DGX H100, 10.2 kW
 *   maximum for 8 GPUs of 700 W maximum TDP each: the ratio of two maxima, for a rated GPU power).
 * - `pcie-server`: data-centre PCIe cards, 8 per dual-socket server: + 87.5 W of host per card.
 * - `workstation`: one consumer or workstation card in a desktop: + 125 W of host per card.
 * - never for a software adapter or the CPU (not a GPU; and never priced as one).
 * The factors come from src/profit/defaults.ts with their sources.
 */
import { DEFAULTS } from './defaults.js';
import { gpuIdentity } from './match.js';

/** How a GPU is hosted. */
export const DEVICE_CLASSES = ['hgx', 'pcie-server', 'workstation'] as const;
/** One of DEVICE_CLASSES. */
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Host overhead of a class: server W = GPU W × factor + hostW. */
export interface HostOverhead {
  deviceClass: DeviceClass;
  factor: number;
  hostW: number;
  /** Which shipped default it is ("hostOverheadHgx", ...). */
  defaultName: 'hostOverheadHgx' | 'hostWPerGpuPcieServer' | 'hostWPerGpuWorkstation';
  label: string;
}

// Model numbers (gpuIdentity().model) of boards that ship only as SXM/OAM modules on 8-GPU baseboards.
const HGX_ONLY = new Set(['h200', 'b200', 'b100', 'b300', 'gb200', 'gb300', 'gh200', 'mi300x', 'mi325x', 'mi250x', 'mi355x', 'v100s']);
// Data-centre PCIe cards (passively cooled, server-only).
const PCIE_DC = new Set(['l40s', 'l40', 'l4', 'a10', 'a30', 'a40', 'a16', 'a2', 't4', 'a100', 'h100', 'mi210', 'mi100', 'v100', 'p100', 'p40', 'p4', 'l20', 'h20', 'h800', 'a800']);

/**
 * Device class of a GPU from its adapter name, or null when the name does not say. "NVIDIA H100
 * 80GB HBM3" is the SXM module (the PCIe card reports "NVIDIA H100 PCIe"); "A100-SXM4-80GB" is
 * SXM; RTX/GeForce/Radeon RX/Arc/Titan and the RTX A-series are workstation cards.
 */
export function deviceClassOf(name: string): DeviceClass | null {
  const n = name.toLowerCase();
  const id = gpuIdentity(name);
  if (/\b(hgx|dgx)\b/.test(n) || id.form === 'sxm' || /sxm\d?/.test(n)) return 'hgx';
  if (id.model && HGX_ONLY.has(id.model) && !/\b(nvl|pcie)\b/.test(n)) return 'hgx';
  if (id.model === 'h100' && /hbm3\b/.test(n) && !/\b(pcie|nvl)\b/.test(n)) return 'hgx';
  if (id.model && (PCIE_DC.has(id.model) || HGX_ONLY.has(id.model))) return 'pcie-server';
  if (/\b(geforce|rtx|gtx|titan|radeon|arc|quadro)\b/.test(n) || /\brx ?\d{3,4}/.test(n) || /\bapple\b/.test(n)) return 'workstation';
  return null;
}

/** The host overhead of a class, from the shipped defaults. */
export function hostOverheadOf(c: DeviceClass): HostOverhead {
  switch (c) {
    case 'hgx':
      return { deviceClass: c, factor: DEFAULTS.hostOverheadHgx.value, hostW: 0, defaultName: 'hostOverheadHgx', label: `HGX 8-GPU server: host ×${Number(DEFAULTS.hostOverheadHgx.value.toPrecision(4))}` };
    case 'pcie-server':
      return { deviceClass: c, factor: 1, hostW: DEFAULTS.hostWPerGpuPcieServer.value, defaultName: 'hostWPerGpuPcieServer', label: `PCIe server: host +${DEFAULTS.hostWPerGpuPcieServer.value} W per GPU` };
    case 'workstation':
      return { deviceClass: c, factor: 1, hostW: DEFAULTS.hostWPerGpuWorkstation.value, defaultName: 'hostWPerGpuWorkstation', label: `workstation: host +${DEFAULTS.hostWPerGpuWorkstation.value} W per GPU` };
  }
}
