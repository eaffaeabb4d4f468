// The plant simulator: virtual machines that publish over MQTT exactly as real ones would (UNS JSON or Sparkplug B),
// so Takt's demo plant is alive and load tests have a driver. `takt sim` calls runSimCommand.
export { startSimulator, resolveMachines, DEFAULT_PLANT_FILE, type SimOptions, type SimHandle } from './simulator.ts';
export { runSimCommand, type SimCommandArgs } from './command.ts';
export { simulatedPlantFile, machineTagDefs, machinesFromPlant, loadPlantFile, type MachineSpec, type ProtocolChoice } from './plant.ts';
export { MachineModel, ALARMS, type PackMLState, type TagChange } from './machine.ts';

/** The OPC UA machine and the EUROMAP 63 press load on first use only: they pull in node-opcua and file watching. */
export const loadOpcuaSim = () => import('./opcua/index.ts');
export const loadEuromap63Sim = () => import('./euromap63/index.ts');
