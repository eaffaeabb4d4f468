import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const stamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const equipmentClasses = pgTable('equipment_classes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  properties: jsonb('properties').notNull().default({}),
  tags: jsonb('tags').notNull().default([]),
  ...stamps,
});

export const calendars = pgTable('calendars', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  shifts: jsonb('shifts').notNull().default([]),
  plannedDowntime: jsonb('planned_downtime').notNull().default([]),
  holidays: jsonb('holidays').notNull().default([]),
  ...stamps,
});

export const equipment = pgTable('equipment', {
  id: uuid('id').primaryKey(),
  extId: text('ext_id').notNull(),
  parentId: uuid('parent_id'),
  path: text('path').notNull().unique(),
  level: text('level').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  equipmentClass: text('equipment_class'),
  calendarId: text('calendar_id'),
  properties: jsonb('properties').notNull().default({}),
  attributes: jsonb('attributes').notNull().default({}),
  tags: jsonb('tags').notNull().default([]),
  connections: jsonb('connections').notNull().default([]),
  version: integer('version').notNull().default(1),
  ...stamps,
});

export const materials = pgTable('materials', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  materialClass: text('material_class'),
  description: text('description').notNull().default(''),
  properties: jsonb('properties').notNull().default({}),
  ...stamps,
});

export const products = pgTable('products', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  unit: text('unit').notNull().default('pcs'),
  family: text('family'),
  materialId: text('material_id'),
  description: text('description').notNull().default(''),
  routing: jsonb('routing').notNull().default([]),
  ...stamps,
});
