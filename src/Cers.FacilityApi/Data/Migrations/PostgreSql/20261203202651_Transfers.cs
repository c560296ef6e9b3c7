using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Cers.FacilityApi.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Transfers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_BusinessId",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_CityKey",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_StreetName",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_Zip",
                table: "Facilities");

            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "Facilities",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContactEmail",
                table: "Businesses",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContactName",
                table: "Businesses",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContactPhone",
                table: "Businesses",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FacilityCersId",
                table: "AuditEvents",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TransferId",
                table: "AuditEvents",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Transfers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FacilityCersId = table.Column<int>(type: "integer", nullable: false),
                    FromBusinessId = table.Column<int>(type: "integer", nullable: false),
                    ToBusinessId = table.Column<int>(type: "integer", nullable: false),
                    NewStreet = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    NewCity = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    NewZip = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    AgencyId = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequestedBySubject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RequestedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RequestedByAgencyCode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    DecidedBySubject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Transfers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Transfers_Agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "Agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Transfers_Businesses_FromBusinessId",
                        column: x => x.FromBusinessId,
                        principalTable: "Businesses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Transfers_Businesses_ToBusinessId",
                        column: x => x.ToBusinessId,
                        principalTable: "Businesses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Transfers_Facilities_FacilityCersId",
                        column: x => x.FacilityCersId,
                        principalTable: "Facilities",
                        principalColumn: "CersId",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_BusinessId_ArchivedAt",
                table: "Facilities",
                columns: new[] { "StreetNumber", "BusinessId", "ArchivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_CityKey_ArchivedAt",
                table: "Facilities",
                columns: new[] { "StreetNumber", "CityKey", "ArchivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_StreetName_ArchivedAt",
                table: "Facilities",
                columns: new[] { "StreetNumber", "StreetName", "ArchivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_Zip_ArchivedAt",
                table: "Facilities",
                columns: new[] { "StreetNumber", "Zip", "ArchivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_FacilityCersId_OccurredAt",
                table: "AuditEvents",
                columns: new[] { "FacilityCersId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Transfers_AgencyId_Status_CreatedAt",
                table: "Transfers",
                columns: new[] { "AgencyId", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Transfers_FacilityCersId_Pending",
                table: "Transfers",
                column: "FacilityCersId",
                unique: true,
                filter: "\"Status\" = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_Transfers_FromBusinessId_CreatedAt",
                table: "Transfers",
                columns: new[] { "FromBusinessId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Transfers_ToBusinessId_CreatedAt",
                table: "Transfers",
                columns: new[] { "ToBusinessId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Transfers");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_BusinessId_ArchivedAt",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_CityKey_ArchivedAt",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_StreetName_ArchivedAt",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_Facilities_StreetNumber_Zip_ArchivedAt",
                table: "Facilities");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_FacilityCersId_OccurredAt",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "Facilities");

            migrationBuilder.DropColumn(
                name: "ContactEmail",
                table: "Businesses");

            migrationBuilder.DropColumn(
                name: "ContactName",
                table: "Businesses");

            migrationBuilder.DropColumn(
                name: "ContactPhone",
                table: "Businesses");

            migrationBuilder.DropColumn(
                name: "FacilityCersId",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "TransferId",
                table: "AuditEvents");

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_BusinessId",
                table: "Facilities",
                columns: new[] { "StreetNumber", "BusinessId" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_CityKey",
                table: "Facilities",
                columns: new[] { "StreetNumber", "CityKey" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_StreetName",
                table: "Facilities",
                columns: new[] { "StreetNumber", "StreetName" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_StreetNumber_Zip",
                table: "Facilities",
                columns: new[] { "StreetNumber", "Zip" });
        }
    }
}
